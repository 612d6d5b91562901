import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import type { FetchHandler } from "../tiw/fetch-handler.js";
import { jsonResponse } from "../tiw/json-response.js";
import { packageRoot } from "./package-root.js";

/** Where the dashboard lives; `/ui` redirects here. */
export const dashboardPath = "/ui/";
const dashboardPathWithoutSlash = dashboardPath.slice(0, -1);

// The page, its style sheet and its ES modules; nothing else of the folder is served.
const assetTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
};

// Everything comes from this origin; the page reads /_kit/ and nothing else.
const securityHeaders = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  etag: string;
  type: string;
}

/**
 * The folder of the page's files. They are plain HTML, CSS and JavaScript that tsc does not copy,
 * so they ship as they are (package.json `files`) and are found from the package root, from
 * `src/` (tsx, vitest) and from `dist/src/` (the built CLI) alike.
 */
export function dashboardAssetsDir(): string {
  return join(packageRoot(), "src", "dashboard", "assets");
}

/**
 * Serves the dashboard's page, style sheet and script modules under `/ui/`, from memory after the
 * first read: only the files the assets folder holds, by name, so no path reaches outside it. The
 * page talks to the stand-in's `/_kit/` endpoints on the same origin; mount it next to
 * `TiwApi.fetch` with `withDashboard`.
 *
 * @example
 * const dashboard = createDashboardHandler();
 * await dashboard(new Request("http://127.0.0.1:4010/ui/")); // 200 text/html
 */
export function createDashboardHandler(): FetchHandler {
  const assets = new Map<string, Asset>();
  let names: Set<string> | undefined;
  const served = (name: string): boolean => {
    names ??= new Set(readdirSync(dashboardAssetsDir()).filter((file) => Object.hasOwn(assetTypes, extname(file))));
    return names.has(name);
  };
  const assetNamed = (name: string): Asset => {
    let asset = assets.get(name);
    if (!asset) {
      const body = readFileSync(join(dashboardAssetsDir(), name));
      asset = { body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`, type: assetTypes[extname(name)] ?? "application/octet-stream" };
      assets.set(name, asset);
    }
    return asset;
  };

  return async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === dashboardPathWithoutSlash) return new Response(null, { status: 308, headers: { location: dashboardPath } });
    const name = pathname === dashboardPath ? "index.html" : pathname.slice(dashboardPath.length);
    if (!pathname.startsWith(dashboardPath) || !served(name)) {
      return jsonResponse({ error: "not_found", message: `no dashboard file ${pathname}` }, { status: 404 });
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return jsonResponse({ error: "method_not_allowed", message: `use GET for ${pathname}, not ${request.method}` }, { status: 405, headers: { allow: "GET, HEAD" } });
    }
    const asset = assetNamed(name);
    const headers = { ...securityHeaders, "content-type": asset.type, etag: asset.etag, "cache-control": "no-cache" };
    if (request.headers.get("if-none-match") === asset.etag) return new Response(null, { status: 304, headers });
    return new Response(request.method === "HEAD" ? null : asset.body, { headers: { ...headers, "content-length": String(asset.body.byteLength) } });
  };
}

/** `handler` with the dashboard mounted at `/ui/`: what `serveTiwApi` serves. */
export function withDashboard(handler: FetchHandler, dashboard: FetchHandler = createDashboardHandler()): FetchHandler {
  return (request) => {
    const { pathname } = new URL(request.url);
    return pathname === dashboardPathWithoutSlash || pathname.startsWith(dashboardPath) ? dashboard(request) : handler(request);
  };
}
