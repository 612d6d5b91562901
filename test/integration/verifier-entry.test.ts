import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { loadedModules } from "../helpers/loaded-modules.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));

// Run next to the bundle, in a folder outside the package: signs with the official vector's key and checks the verdicts.
const probe = `
import { createHash } from "node:crypto";
import { verifyCallback, createVerifier, sign, verify } from "./verifier.mjs";
const callbackKey = "Xz4ZgayTr7rMgWQrH";
const now = 1700000000;
const event = { EventType: "WhiteboardPushStarted", SdkAppId: 1400000001, Timestamp: now - 1, ExpireTime: now + 300,
  EventData: { TaskId: "t1", RoomId: 1253, GroupId: "1253", PushUserId: "tic_push_user_1253_1", PushStartTime: now - 1, IMSyncTime: now - 1 } };
const body = (fields) => JSON.stringify({ ...event, ...fields });
const signed = body({ Sign: sign(callbackKey, event.ExpireTime) });
const verifyTiwCallback = createVerifier({ callbackKey, sdkAppId: 1400000001, now: () => now });
console.log(JSON.stringify({
  vector: sign(callbackKey, 1588040109),
  md5: sign(callbackKey, 1588040109) === createHash("md5").update(callbackKey + "1588040109").digest("hex"),
  verifies: verify(callbackKey, 1588040109, "a2dabb362a9b811c0e26953a6276a41c"),
  signed: verifyCallback(signed, { callbackKey, now }).ok,
  bytes: verifyCallback(new TextEncoder().encode(signed), { callbackKey, now }).ok,
  created: verifyTiwCallback(signed).ok,
  badSign: verifyCallback(body({ Sign: sign("another key", event.ExpireTime) }), { callbackKey, now }).reason,
  schema: verifyCallback(body({ Sign: sign(callbackKey, event.ExpireTime), SdkAppId: "1400000001" }), { callbackKey, now }).reason,
  tooLarge: verifyCallback(JSON.stringify({ padding: "\u00e9".repeat(600) + "\ud83d\ude00" }), { callbackKey, now, maxBodyBytes: 1000 }).message,
}));
`;

const expected = {
  vector: "a2dabb362a9b811c0e26953a6276a41c",
  md5: true,
  verifies: true,
  signed: true,
  bytes: true,
  created: true,
  badSign: "bad_signature",
  schema: "schema",
  tooLarge: "body of 1218 bytes exceeds the limit of 1000",
};

/** Bundles a package entry into one file in a fresh folder outside the package, with the probe beside it. */
async function bundled(entry: string): Promise<{ folder: string; text: string; imports: string[] }> {
  const folder = mkdtempSync(join(tmpdir(), "tiw-push-kit-bundle-"));
  const result = await build({ entryPoints: [entry], absWorkingDir: root, bundle: true, platform: "node", format: "esm", outfile: join(folder, "verifier.mjs"), metafile: true, logLevel: "silent" });
  writeFileSync(join(folder, "probe.mjs"), probe);
  const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((imported) => imported.path));
  return { folder, text: readFileSync(join(folder, "verifier.mjs"), "utf8"), imports };
}

// `npm test` builds first; the entries are resolved as a consumer resolves them, through package.json's exports.
describe("tiw-push-kit/verifier", () => {
  it("bundles into one file that needs only node:crypto, and verifies from another folder with plain node", async () => {
    const bundle = await bundled("tiw-push-kit/verifier");
    expect([...new Set(bundle.imports)]).toEqual(["node:crypto"]);
    expect(bundle.text).not.toMatch(/\bBuffer\b|\bprocess\.|readFileSync|import\.meta/);
    const { stdout } = await run(process.execPath, ["probe.mjs"], { cwd: bundle.folder });
    expect(JSON.parse(stdout)).toEqual(expected);
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
    const bundle = await bundled("tiw-push-kit");
    const { stdout } = await run(process.execPath, ["probe.mjs"], { cwd: bundle.folder });
    expect(JSON.parse(stdout)).toEqual(expected);
  });
});
