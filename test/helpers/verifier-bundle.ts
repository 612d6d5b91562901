import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";

const run = promisify(execFile);

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
  tooLarge: verifyCallback(JSON.stringify({ padding: "\\u00e9".repeat(600) + "\\ud83d\\ude00" }), { callbackKey, now, maxBodyBytes: 1000 }).message,
}));
`;

/** What the probe prints when the bundled verifier works. */
export const probeVerdicts = {
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

export interface VerifierBundle {
  /** The bundle's text. */
  text: string;
  /** What the bundle still imports (left external by esbuild). */
  imports: string[];
  /** Runs the probe beside the bundle with plain `node` (this one, or the one at `node`) and returns its verdicts. */
  probe(node?: string): Promise<unknown>;
}

/** Bundles `entry`, resolved from `from` as a consumer resolves it, into one file in a fresh folder elsewhere. */
export async function bundleVerifier(entry: string, from: string): Promise<VerifierBundle> {
  const folder = mkdtempSync(join(tmpdir(), "tiw-push-kit-bundle-"));
  const outfile = join(folder, "verifier.mjs");
  const result = await build({ entryPoints: [entry], absWorkingDir: from, bundle: true, platform: "node", format: "esm", outfile, metafile: true, logLevel: "silent" });
  writeFileSync(join(folder, "probe.mjs"), probe);
  return {
    text: readFileSync(outfile, "utf8"),
    imports: [...new Set(Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((imported) => imported.path)))],
    probe: async (node = process.execPath) => JSON.parse((await run(node, ["probe.mjs"], { cwd: folder })).stdout) as unknown,
  };
}
