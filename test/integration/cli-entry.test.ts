import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadedModules } from "../helpers/loaded-modules.js";
import { oldNode } from "../helpers/old-node.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const packageJson = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
  engines: { node: string };
  bin: Record<string, string>;
};
// `npm test` builds first; these run the compiled bin that `npm i tiw-push-kit` installs.
const bin = packageJson.bin["tiw-push-kit"] ?? "";

/** Modules a quick command has no use for: the journal, servers, the stand-in, a schema compiler. */
const heavy = [/^node:sqlite$/, /^node:https?$/, /\/src\/store\//, /\/src\/stand-in\//, /\/src\/server\//, /\/src\/delivery\/(?!transport\/)/, /\/node_modules\/ajv\//];

describe("the installed bin", () => {
  it("refuses a Node.js below the floor in one line, with exit 2 and no stack trace", async () => {
    const node = oldNode();
    const failure = await run(node.path, [bin, "--help"], { cwd: root }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2, stdout: "" });
    const { stderr } = failure as { stderr: string };
    expect(stderr).toBe(`tiw-push-kit needs Node.js ${packageJson.engines.node.replace(">=", ">= ")} (found ${node.version}): install Node.js 24 LTS, or run it with npx -p node@24 -p tiw-push-kit tiw-push-kit ...\n`);
  });

  it("prints the package version with --version and -v", async () => {
    for (const flag of ["--version", "-v"]) {
      expect((await run(process.execPath, [bin, flag], { cwd: root })).stdout).toBe(`${packageJson.version}\n`);
    }
  });

  it("prints a command's help with help <command>", async () => {
    const { stdout } = await run(process.execPath, [bin, "help", "sign"], { cwd: root });
    expect(stdout).toContain("Usage: tiw-push-kit sign --key KEY (--expire-time UNIX");
    expect(stdout).toContain("Print the TIW callback signature");
    const unknown = await run(process.execPath, [bin, "help", "frobnicate"], { cwd: root }).catch((error: { code: number; stderr: string }) => error);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command 'frobnicate'") });
  });

  it.each([
    ["--help", ["--help"]],
    ["sign", ["sign", "--key", "Xz4ZgayTr7rMgWQrH", "--expire-time", "1588040109"]],
    ["generate", ["generate", "--count", "1", "--seed", "1", "--now", "1700000000"]],
    ["validate --help", ["validate", "--help"]],
    ["verify --list", ["verify", "--list"]],
  ])("%s loads no journal, server, stand-in or schema compiler", async (_name, args) => {
    const result = await loadedModules(bin, args, root);
    expect(result.code).toBe(0);
    expect(result.urls.filter((url) => heavy.some((pattern) => pattern.test(url)))).toEqual([]);
  });

  it("loads under a dozen of its own modules for --help and sign, instead of the whole kit", async () => {
    const help = await loadedModules(bin, ["--help"], root);
    const sign = await loadedModules(bin, ["sign", "--key", "k", "--expire-time", "1"], root);
    expect(help.urls.filter((url) => url.startsWith("file:")).length).toBeLessThan(12);
    expect(sign.urls.filter((url) => url.startsWith("file:")).length).toBeLessThan(12);
  });
});

describe("the installed bin's memory settings", () => {
  /** The V8 flags and pid of the process that ran `args` to its end, as it saw them at exit. */
  async function flagsOf(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ execArgv: string[]; pid: number; startedAs: number }> {
    const report = `data:text/javascript,process.on("exit",()=>process.stderr.write("\\nflags "+JSON.stringify({execArgv:process.execArgv,pid:process.pid})+"\\n"))`;
    const child = execFile(process.execPath, ["--import", report, bin, ...args], { cwd: root, env });
    const stderr: string[] = [];
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
    await new Promise((resolve) => child.once("exit", resolve));
    const line = /^flags (.*)$/m.exec(stderr.join(""));
    return { ...(JSON.parse(line?.[1] ?? "{}") as { execArgv: string[]; pid: number }), startedAs: child.pid ?? -1 };
  }

  it("runs emit in the same process again with a small young generation, and no other command", async () => {
    const emit = await flagsOf(["emit", "--help"]);
    expect(emit.execArgv).toContain("--max-semi-space-size=8");
    expect(emit.pid).toBe(emit.startedAs);
    expect((await flagsOf(["sign", "--key", "k", "--expire-time", "1"])).execArgv).not.toContain("--max-semi-space-size=8");
  });

  it("runs emit as it is where Node cannot replace its process (process.execve throws, as on Windows)", async () => {
    const windowsLike = `data:text/javascript,process.execve=()=>{throw Object.assign(new Error("process.execve is not available on win32"),{code:"ERR_FEATURE_UNAVAILABLE_ON_PLATFORM"})}`;
    const result = await run(process.execPath, ["--import", windowsLike, bin, "emit", "--help"], { cwd: root });
    expect(result.stdout).toContain("Usage: tiw-push-kit emit");
    expect(result.stderr).toBe("");
  });

  it("leaves a semi-space size the user gave as it is", async () => {
    const given = await flagsOf(["emit", "--help"], { ...process.env, NODE_OPTIONS: "--max-semi-space-size=32" });
    expect(given.execArgv).not.toContain("--max-semi-space-size=8");
  });
});
