/**
 * The standalone executable (`npm run build:executable`) as a Go, Java, PHP or Python team runs it
 * in CI: by its name on a PATH without Node (python3 is there, for the receiver), no HOME, against
 * `examples/python-receiver/receiver.py`. Without a fresh build these tests fail, saying how to make one.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../src/generate/generate.js";
import { python3, startPythonReceiver, type PythonReceiver } from "../helpers/python-receiver.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const executable = join(root, "dist-executable", `tiw-push-kit-linux-${process.arch}`);
const callbackKey = "executable-test-key";
const sdkAppId = 1400000001;
const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-executable-"));
const bin = join(dir, "bin");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The newest modification time of the files the executable is built from. */
function newestSource(folder: string): number {
  return Math.max(
    ...readdirSync(folder, { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile())
      .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs),
  );
}

function checkExecutable(): void {
  const how = "build it with `npm run build:executable` (see README, CI for Go, Java, PHP and Python repositories)";
  if (!existsSync(executable)) throw new Error(`tiw-push-kit e2e: no executable at dist-executable/: ${how}`);
  const built = statSync(executable).mtimeMs;
  if (newestSource(join(root, "src")) > built || newestSource(join(root, "scripts", "executable")) > built) {
    throw new Error(`tiw-push-kit e2e: the executable is older than the sources: ${how}`);
  }
}

/** The executable called by its name, found on a PATH that holds it and python3 and nothing else; no other variable. */
function run(args: string[]): Promise<Run> {
  const child = spawn("tiw-push-kit", args, { cwd: dir, env: { PATH: bin }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the standalone executable, with no Node on PATH", () => {
  let receiver: PythonReceiver;
  let broken: PythonReceiver;
  beforeAll(async () => {
    mkdirSync(bin);
    symlinkSync(python3(), join(bin, "python3"));
    symlinkSync(executable, join(bin, "tiw-push-kit"));
    [receiver, broken] = await Promise.all([startPythonReceiver({ callbackKey, sdkAppId }), startPythonReceiver({ callbackKey, sdkAppId, broken: true })]);
  });
  afterAll(async () => {
    await Promise.all([receiver?.stop(), broken?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("is a fresh build, and the PATH it runs with has no node", async () => {
    checkExecutable();
    const shell = await new Promise<number | null>((resolve) => spawn("/bin/sh", ["-c", "command -v node"], { env: { PATH: bin } }).once("close", resolve));
    expect(shell).not.toBe(0);
  });

  it("prints the help of every command (each module is in the bundle, lazily loaded ones too) and refuses bad usage with exit 2", async () => {
    checkExecutable();
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    const names = [...help.stdout.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((match) => match[1] ?? "");
    expect(names).toEqual(expect.arrayContaining(["generate", "verify", "emit", "serve"]));
    for (const name of names) {
      const commandHelp = await run([name, "--help"]);
      expect(commandHelp.stdout, name).toContain(`Usage: tiw-push-kit ${name}`);
      expect(commandHelp.code, name).toBe(0);
    }
    // No package.json beside it: the version is built in.
    expect((await run(["--version"])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const usage = await run(["verify", "--level", "lenient"]);
    expect(usage.stderr).toContain("tiw-push-kit verify:");
    expect(usage.code).toBe(2);
  });

  it("verify --level strict passes the Python receiver and writes the JUnit report", async () => {
    checkExecutable();
    const args = ["verify", "--target", receiver.url, "--key", callbackKey, "--sdk-app-id", String(sdkAppId), "--level", "strict", "--inspect-url", receiver.inspectUrl, "--junit", "contract.xml"];
    const { code, stdout, stderr } = await run(args);
    const checks = /^(\d+) checks: \1 passed, 0 failed, 0 warned, 0 skipped/m.exec(stdout)?.[1];
    expect(checks, stdout).toBeDefined();
    expect(stderr).not.toMatch(/Warning/);
    expect(code).toBe(0);
    const junit = readFileSync(join(dir, "contract.xml"), "utf8");
    expect(junit).toMatch(new RegExp(`<testsuite [^>]*tests="${checks}"[^>]*failures="0"`));
  });

  it("verify --level strict fails the receiver that skips the signature check, with exit 1", async () => {
    checkExecutable();
    const { code, stdout } = await run(["verify", "--target", broken.url, "--key", callbackKey, "--sdk-app-id", String(sdkAppId), "--level", "strict"]);
    expect(stdout).toMatch(/^FAIL {2}rejects-bad-sign/m);
    expect(stdout).toMatch(/ 1 failed,/);
    expect(code).toBe(1);
  });

  it("emit delivers every callback, which the receiver applies; the journal (node:sqlite) lists them", async () => {
    checkExecutable();
    const seed = "5eed";
    const now = Math.floor(Date.now() / 1000);
    const args = ["emit", "--target", receiver.url, "--key", callbackKey, "--sdk-app-id", String(sdkAppId), "--count", "4", "--seed", seed, "--now", String(now), "--json"];
    const { code, stdout } = await run(args);
    expect(JSON.parse(stdout)).toMatchObject({ sent: 8, delivered: 8, failed: 0, pending: 0 });
    expect(code).toBe(0);
    for (const event of generate({ callbackKey, sdkAppId, count: 4, seed, now }).filter((candidate) => candidate.EventType === "WhiteboardPushStopped")) {
      const task = (await (await fetch(receiver.inspectUrl.replace("{TaskId}", event.EventData.TaskId))).json()) as Record<string, unknown>;
      expect(task).toMatchObject({ Status: "STOPPED", FinishReason: event.EventData.FinishReason, RoomId: event.EventData.RoomId });
    }
    const log = await run(["log", "--json"]);
    expect(log.code).toBe(0);
    const journaled = JSON.parse(log.stdout) as Array<{ status: string }>;
    expect(journaled.map((entry) => entry.status)).toEqual(Array(8).fill("delivered"));
  });
});
