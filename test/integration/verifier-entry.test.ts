import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadedModules } from "../helpers/loaded-modules.js";
import { oldNode } from "../helpers/old-node.js";
import { bundleVerifier, probeVerdicts } from "../helpers/verifier-bundle.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

// `npm test` builds first; the entries are resolved as a consumer resolves them, through package.json's exports.
describe("tiw-push-kit/verifier", () => {
  it("bundles into one file that needs only node:crypto, and verifies from another folder with plain node", async () => {
    const bundle = await bundleVerifier("tiw-push-kit/verifier", root);
    expect(bundle.imports).toEqual(["node:crypto"]);
    expect(bundle.text).not.toMatch(/\bBuffer\b|\bprocess\.|readFileSync|import\.meta/);
    expect(await bundle.probe()).toEqual(probeVerdicts);
  });

  it("runs on a Node.js older than the CLI's floor", async () => {
    const bundle = await bundleVerifier("tiw-push-kit/verifier", root);
    expect(await bundle.probe(oldNode().path)).toEqual(probeVerdicts);
  });

  it("loads no node: module but node:crypto, and reads no file, when imported unbundled", async () => {
    const script = join(mkdtempSync(join(tmpdir(), "tiw-push-kit-import-")), "import.mjs");
    writeFileSync(script, `await import(${JSON.stringify(import.meta.resolve("tiw-push-kit/verifier"))});`);
    const result = await loadedModules(script, [], root);
    expect(result.code).toBe(0);
    expect(result.urls.filter((url) => !url.startsWith("file:"))).toEqual(["node:crypto"]);
  });

  it("exports the verifier, the signature and schema functions, and nothing that needs a server or a file", async () => {
    const names = Object.keys(await import("tiw-push-kit/verifier")).sort();
    expect(names).toEqual(["createVerifier", "defaultMaxBodyBytes", "defaultMaxDepth", "eventTypes", "isEventType", "sign", "validateEvent", "verify", "verifyCallback", "withSignature"]);
  });
});

describe("the root entry, bundled", () => {
  it("verifies from another folder without the package's openapi/ folder", async () => {
    expect(await (await bundleVerifier("tiw-push-kit", root)).probe()).toEqual(probeVerdicts);
  });
});
