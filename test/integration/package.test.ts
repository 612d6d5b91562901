import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleVerifier, probeVerdicts } from "../helpers/verifier-bundle.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies: Record<string, string>; exports: Record<string, string>; bin: Record<string, string> };

const consumer = mkdtempSync(join(tmpdir(), "tiw-push-kit-consumer-"));
const installed = join(consumer, "node_modules", "tiw-push-kit");
let packed: string[] = [];

/**
 * Installs the tarball `npm pack` makes into a fresh project, as `npm i -D tiw-push-kit` would,
 * offline: extracted, its dependencies linked from this repository's node_modules, the bin linked
 * into node_modules/.bin. Neither vitest nor msw (optional peers) nor @types/node is there.
 */
beforeAll(async () => {
  // `npm test` builds first, so the pack's own build script is not run again.
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", consumer], { cwd: root });
  const [pack] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  packed = pack.files.map((file) => file.path);
  mkdirSync(installed, { recursive: true });
  execFileSync("tar", ["-xzf", join(consumer, pack.filename), "-C", installed, "--strip-components=1"]);
  for (const name of Object.keys(manifest.dependencies)) symlinkSync(join(root, "node_modules", name), join(consumer, "node_modules", name), "dir");
  mkdirSync(join(consumer, "node_modules", ".bin"));
  symlinkSync(join("..", "tiw-push-kit", manifest.bin["tiw-push-kit"] ?? ""), join(consumer, "node_modules", ".bin", "tiw-push-kit"));
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
}, 60_000);
afterAll(() => rmSync(consumer, { recursive: true, force: true }));

const cli = (args: string[], input?: string) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(process.execPath, [join(consumer, "node_modules", ".bin", "tiw-push-kit"), ...args], { cwd: consumer }, (error, stdout, stderr) =>
      resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr }),
    );
    child.stdin?.end(input ?? "");
  });

describe("the published package", () => {
  it("holds the built entries, the spec, the LICENSE and no source map", () => {
    expect(packed).toEqual(expect.arrayContaining(["LICENSE", "README.md", "package.json", "openapi/tiw-push-callbacks.openapi.yaml", "src/dashboard/assets/index.html"]));
    for (const target of [...Object.values(manifest.exports).filter((target) => !target.includes("*")), ...Object.values(manifest.bin)]) {
      expect(packed).toContain(target.replace(/^\.\//, ""));
    }
    expect(packed.filter((path) => path.endsWith(".map") || (path.endsWith(".ts") && !path.endsWith(".d.ts")))).toEqual([]);
  });

  it("has a README whose relative links point at files the package holds", () => {
    const links = [...readFileSync(join(installed, "README.md"), "utf8").matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? "");
    const relative = links.filter((link) => !/^(https?:|mailto:|#)/.test(link));
    expect(relative.filter((link) => !packed.includes(link.replace(/^\.\//, "").replace(/#.*$/, "")))).toEqual([]);
  });

  it("runs its CLI from node_modules/.bin", async () => {
    expect(await cli(["--version"])).toMatchObject({ code: 0, stdout: `${JSON.parse(readFileSync(join(installed, "package.json"), "utf8")).version}\n` });
    expect(await cli(["sign", "--key", "Xz4ZgayTr7rMgWQrH", "--expire-time", "1588040109"])).toMatchObject({ code: 0, stdout: "a2dabb362a9b811c0e26953a6276a41c\n" });
    const generated = await cli(["generate", "--count", "2", "--key", "k", "--now", "1700000000"]);
    expect(await cli(["validate", "--key", "k", "--now", "1700000000"], generated.stdout)).toMatchObject({ code: 0, stderr: expect.stringContaining("4 checked (schema and signature): 4 valid") });
    expect(await cli(["verify", "--list"])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^accepts-started\s/m) });
  });

  it("imports its root and contract entries without vitest or msw installed", async () => {
    const script = [
      'const root = await import("tiw-push-kit");',
      'const contract = await import("tiw-push-kit/contract");',
      "console.log(JSON.stringify([typeof root.verifyCallback, typeof root.serve, typeof root.createReceiver, typeof contract.runContract]));",
    ].join("\n");
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: consumer });
    expect(JSON.parse(stdout)).toEqual(["function", "function", "function", "function"]);
    await expect(run(process.execPath, ["--input-type=module", "-e", 'await import("tiw-push-kit/contract/vitest")'], { cwd: consumer })).rejects.toMatchObject({
      stderr: expect.stringContaining("'vitest'"),
    });
  });

  it("type-checks a receiver on tiw-push-kit/verifier under tsc --strict, without Node's or the DOM's types", async () => {
    writeFileSync(
      join(consumer, "receiver.ts"),
      [
        'import { createVerifier, sign, type VerifyResult, type WhiteboardPushEvent } from "tiw-push-kit/verifier";',
        'const verifyTiwCallback = createVerifier({ callbackKey: "k", sdkAppId: 1400000001 });',
        "export function handle(body: string | Uint8Array): number {",
        "  const result: VerifyResult = verifyTiwCallback(body);",
        "  if (!result.ok) return result.status;",
        "  const event: WhiteboardPushEvent = result.event;",
        '  return event.EventType === "WhiteboardPushStopped" && event.EventData.FinishReason === "EXCEPTION" ? 200 : 200;',
        "}",
        'export const signature: string = sign("k", 1);',
      ].join("\n"),
    );
    const compilerOptions = { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2023", lib: ["es2023"], types: [], skipLibCheck: false };
    writeFileSync(join(consumer, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["receiver.ts"] }));
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    await expect(run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: consumer })).resolves.toMatchObject({ stdout: "" });
  });

  it("bundles tiw-push-kit/verifier into one file that verifies from another folder", async () => {
    const bundle = await bundleVerifier("tiw-push-kit/verifier", consumer);
    expect(bundle.imports).toEqual(["node:crypto"]);
    expect(await bundle.probe()).toEqual(probeVerdicts);
  });
});
