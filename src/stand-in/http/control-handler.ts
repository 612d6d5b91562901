import { BodyTooLargeError, readBody } from "../../receiver/read-body.js";
import { changeStream } from "./change-stream.js";
import { KitControlError } from "../kit-control-error.js";
import type { StandIn, TaskTrigger } from "../stand-in-types.js";
import { TiwApiError } from "../tiw-api-error.js";
import type { KitAdvanceRequest, KitProblem, KitSettings } from "../types.js";
import { kitRequest, type KitSettingsRequest } from "./kit-request.js";
import type { ApiCallLog } from "./api-call-log.js";
import { jsonResponse } from "../../tiw/json-response.js";

/** Cannot collide with the Cloud API, which lives at `POST /`. */
export const kitPrefix = "/_kit";

export interface ControlSurface {
  handle(request: Request, url: URL): Promise<Response>;
  /** Ends the open event streams. */
  close(): void;
}

const maxControlBodyBytes = 64 * 1024;
const triggers: readonly string[] = ["start", "stop", "timeout", "activity"] satisfies TaskTrigger[];

interface Route {
  method: "GET" | "POST";
  /** Below the prefix; `:name` segments are captured. */
  path: string;
  run(params: Record<string, string>, request: Request, url: URL): Response | Promise<Response>;
}

/**
 * The JSON endpoints under `/_kit/` that tests and the dashboard drive the stand-in with: tasks
 * and their timelines, deliveries and their attempts and payloads, the clock, fault injection,
 * chaos bursts, the callback URL and key, a change stream. Changes sent by a browser from another origin are refused.
 */
export function createControlSurface(api: StandIn, apiCalls: ApiCallLog): ControlSurface {
  const streams = new Set<() => void>();
  const routes: Route[] = [
    { method: "GET", path: "settings", run: () => jsonResponse(api.settings()) },
    { method: "POST", path: "settings", run: async (_, request) => jsonResponse(changeSettings(api, kitRequest("KitSettingsRequest", await jsonBody(request)))) },
    { method: "GET", path: "clock", run: () => jsonResponse(api.clockView()) },
    { method: "POST", path: "clock/advance", run: async (_, request) => jsonResponse(api.advance(advanceSeconds(kitRequest("KitAdvanceRequest", await jsonBody(request))))) },
    { method: "GET", path: "tasks", run: () => jsonResponse(api.tasks()) },
    { method: "POST", path: "tasks", run: async (_, request) => jsonResponse(api.createTask(kitRequest("KitNewTask", await jsonBody(request))), { status: 201 }) },
    {
      method: "GET",
      path: "tasks/:taskId",
      run: ({ taskId = "" }) => {
        const task = api.task(taskId);
        if (!task) throw new KitControlError(404, "not_found", `no task ${taskId}`);
        return jsonResponse(task);
      },
    },
    {
      method: "POST",
      path: "tasks/:taskId/exception",
      run: async ({ taskId = "" }, request) => jsonResponse(api.injectException(taskId, kitRequest("KitExceptionRequest", await jsonBody(request)))),
    },
    {
      method: "POST",
      path: "tasks/:taskId/:trigger",
      run: ({ taskId = "", trigger = "" }, _, url) => {
        if (!triggers.includes(trigger)) throw notFound(url);
        return jsonResponse(api.trigger(taskId, trigger as TaskTrigger, { dropCallback: flag(url, "dropCallback") }));
      },
    },
    { method: "GET", path: "deliveries", run: (_, __, url) => jsonResponse(api.deliveries(url.searchParams.get("taskId") ?? undefined)) },
    { method: "POST", path: "deliveries/:deliveryId/resend", run: ({ deliveryId = "" }) => jsonResponse(api.resend(deliveryId), { status: 202 }) },
    { method: "GET", path: "deliveries/:deliveryId/payload", run: ({ deliveryId = "" }) => jsonResponse(api.payload(deliveryId)) },
    { method: "GET", path: "api-calls", run: (_, __, url) => jsonResponse(apiCalls.list(url.searchParams.get("taskId") ?? undefined)) },
    { method: "GET", path: "chaos-bursts", run: () => jsonResponse(api.chaosBursts()) },
    { method: "POST", path: "chaos-bursts", run: async (_, request) => jsonResponse(api.sendChaosBurst(kitRequest("KitChaosRequest", await jsonBody(request))), { status: 202 }) },
    {
      method: "GET",
      path: "events",
      run: (_, request) => {
        const stream = changeStream(api.subscribe, request.signal);
        streams.add(stream.end);
        request.signal.addEventListener("abort", () => streams.delete(stream.end), { once: true });
        return stream.response;
      },
    },
  ];

  async function route(request: Request, url: URL): Promise<Response> {
    const segments = pathSegments(url);
    const matching = routes.map((route) => ({ route, params: match(route.path, segments) })).filter(({ params }) => params !== undefined);
    if (matching.length === 0) throw notFound(url);
    const chosen = matching.find(({ route }) => route.method === request.method);
    if (!chosen) throw new KitControlError(405, "method_not_allowed", `use ${matching.map(({ route }) => route.method).join(" or ")} for ${url.pathname}, not ${request.method}`);
    return chosen.route.run(chosen.params ?? {}, request, url);
  }

  return {
    async handle(request, url) {
      if (request.method !== "GET" && request.method !== "HEAD" && fromAnotherOrigin(request, url)) {
        return problem(403, "forbidden", `a page of ${request.headers.get("origin")} cannot change the stand-in; use the dashboard at /ui/ or a client without an Origin header`);
      }
      try {
        return await route(request, url);
      } catch (error) {
        if (error instanceof KitControlError) return problem(error.status, error.problem, error.detail);
        throw error;
      }
    },
    close() {
      for (const end of streams) end();
      streams.clear();
    },
  };
}

/** The decoded segments below the prefix; a broken percent-encoding names no endpoint, so it is a 404, not a 500. */
function pathSegments(url: URL): string[] {
  try {
    return url.pathname.slice(kitPrefix.length + 1).split("/").map(decodeURIComponent);
  } catch {
    throw notFound(url);
  }
}

function match(path: string, segments: string[]): Record<string, string> | undefined {
  const parts = path.split("/");
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    const segment = segments[index] ?? "";
    if (part.startsWith(":")) params[part.slice(1)] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}

/**
 * A browser names the page behind every POST in `Origin`: another site (or a sandboxed `null`
 * page) must not start tasks or send callbacks through a stand-in on the user's machine.
 */
function fromAnotherOrigin(request: Request, url: URL): boolean {
  const origin = request.headers.get("origin");
  if (origin === null) return false;
  return !URL.canParse(origin) || new URL(origin).host !== url.host;
}

function notFound(url: URL): KitControlError {
  return new KitControlError(404, "not_found", `no control endpoint ${url.pathname}`);
}

function problem(status: number, error: KitProblem["error"], message: string): Response {
  return jsonResponse({ error, message } satisfies KitProblem, { status });
}

/** The body as parsed JSON (`{}` when empty); its shape is the schema's to judge. */
async function jsonBody(request: Request): Promise<unknown> {
  let text: string;
  try {
    text = new TextDecoder().decode(await readBody(request, maxControlBodyBytes));
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new KitControlError(400, "bad_request", error.message.replace(/^tiw-push-kit: /, ""));
    throw error;
  }
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new KitControlError(400, "bad_request", `body is not valid JSON: ${(error as Error).message}`);
  }
}

/** A boolean query parameter: absent or `false` is false, `true` is true, anything else a 400. */
function flag(url: URL, name: string): boolean {
  const value = url.searchParams.get(name);
  if (value === null || value === "false") return false;
  if (value === "true") return true;
  throw new KitControlError(400, "bad_request", `${name} must be true or false, got '${value}'`);
}

function advanceSeconds(request: KitAdvanceRequest): number {
  return request.seconds ?? (request.ms ?? 0) / 1000;
}

/**
 * Sets the callback URL, then the key, as SetWhiteboardPushCallback(Key) do. The URL goes first:
 * the domain refuses one that is not http(s) with Tencent's code, and then the key is left as it was.
 */
function changeSettings(api: StandIn, change: KitSettingsRequest): KitSettings {
  try {
    if (change.callback !== undefined) api.setCallback(change.callback);
  } catch (error) {
    if (error instanceof TiwApiError) throw new KitControlError(400, "bad_request", `${error.code}: ${error.detail}`);
    throw error;
  }
  if (change.callbackKey !== undefined) api.setCallbackKey(change.callbackKey);
  return api.settings();
}
