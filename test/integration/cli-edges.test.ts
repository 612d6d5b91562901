import { spawnSync } from "node:child_process";
import { EventEmitter } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/main.js";
import type { Output } from "../../src/cli/shared/command.js";
import { openJournal } from "../../src/delivery/index.js";
import { generate } from "../../src/generate/generate.js";
import { cli, collector } from "../helpers/cli.js";
import { childCli } from "../helpers/child-cli.js";
import { stoppedAfterEach } from "../helpers/journal-runs.js";
import { refusedUrl, waitFor } from "../helpers/servers.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-cli-edges-"));
const tracked = stoppedAfterEach();

/** A pipe whose reader goes away after the first write, as `| head -1` does. */
function pipeToHead(): Output & { text: string } {
  const events = new EventEmitter();
  const output = {
    text: "",
    destroyed: false,
    write(chunk: string) {
      if (this.destroyed) return false;
      this.text += chunk;
      this.destroyed = true;
      setImmediate(() => events.emit("close"));
      return false;
    },
    once: (event: "drain" | "close", listener: () => void) => events.once(event, listener),
    off: (event: "drain" | "close", listener: () => void) => events.off(event, listener),
  };
  return output;
}

async function runIntoHead(argv: string[]) {
  const stdout = pipeToHead();
  const stderr = collector();
  const code = await run(argv, { stdout, stderr, stdin: (async function* () {})(), env: {}, fetch: globalThis.fetch, interrupted: new Promise(() => {}) });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe("output into a pipe whose reader is gone", () => {
  it("generate | head -1 in a real shell: one line, no stack trace, exit 0", () => {
    const result = spawnSync("bash", ["-c", 'set -o pipefail; "$@" | head -1', "bash", process.execPath, "--import", "tsx", "src/cli/main.ts", "generate", "--count", "50000", "--seed", "1"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(result.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
    expect(result.status).toBe(0);
  });

  it("generate, validate and log stop quietly with exit 0", async () => {
    const bodies = join(dir, "bodies.jsonl");
    // validate prints the invalid bodies on stdout.
    writeFileSync(bodies, '{"EventType":"WhiteboardPushStarted"}\n'.repeat(50));
    const journalPath = join(dir, "log.db");
    const journal = openJournal(journalPath);
    journal.addEvents(
      generate({ count: 5, seed: "2", now: 1_700_000_000 }).map((event, index) => ({
        id: `evt_log_${index}`,
        taskId: event.EventData.TaskId,
        eventType: event.EventType,
        body: JSON.stringify(event),
        target: "http://127.0.0.1:1/callback",
        signed: false,
        createdAt: Date.now(),
      })),
    );
    journal.close();
    for (const argv of [["generate", "--count", "50", "--seed", "1"], ["validate", bodies], ["log", "--journal", journalPath]]) {
      const result = await runIntoHead(argv);
      expect({ argv, stderr: result.stderr.replace(/^seed .*\n/, "") }).toEqual({ argv, stderr: "" });
      expect({ argv, code: result.code }).toEqual({ argv, code: 0 });
    }
  });

  it("serve --json | head -1: the server stops quietly with exit 0 once its reader is gone", async () => {
    const serve = tracked(childCli(["serve", "--port", "0", "--json", "--journal", ":memory:"]));
    await waitFor(() => /listening on (http:\/\/\S+)/.test(serve.stderr()), 20_000, "serve to listen");
    const api = /listening on (http:\/\/\S+)/.exec(serve.stderr())![1]!;
    serve.process.stdout!.destroy();
    // Each advance of the clock is a change, printed as a JSON line into the closed pipe.
    for (let advances = 0; advances < 50 && !serve.done(); advances++) {
      await fetch(new URL("_kit/clock/advance", api), { method: "POST", body: JSON.stringify({ seconds: 1 }) }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const { code } = await serve.exited;
    expect(serve.stderr()).not.toMatch(/Error| {4}at /);
    expect(code).toBe(0);
  });
});

describe("one spelling per idea", () => {
  it("reads --key from --key-file, trimming the trailing newline", async () => {
    const keyFile = join(dir, "callback.key");
    writeFileSync(keyFile, "file-key\n");
    const fromFlag = await cli(["sign", "--key", "file-key", "--expire-time", "1588040109"]);
    const fromFile = await cli(["sign", "--key-file", keyFile, "--expire-time", "1588040109"]);
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toBe(fromFlag.stdout);
    expect((await cli(["sign", "--key", "k", "--key-file", keyFile, "--expire-time", "1"])).code).toBe(2);
    expect((await cli(["sign", "--key-file", join(dir, "missing.key"), "--expire-time", "1"])).stderr).toContain("no such file");
    expect((await cli(["sign", "--help"])).stdout).toContain("--key-file PATH");
  });

  it("accepts --timeout-ms and --callback-key as old spellings, with a note on stderr", async () => {
    const verify = await cli(["verify", "--timeout-ms", "abc", "--target", "http://127.0.0.1:1/", "--key", "k", "--sdk-app-id", "1"]);
    expect(verify.stderr).toContain("--timeout-ms is now --timeout");
    expect(verify.stderr).toContain("--timeout must be a whole number");
    expect(verify.code).toBe(2);
    expect((await cli(["verify", "--help"])).stdout).toMatch(/--timeout MS .*formerly --timeout-ms/);
    const serve = await cli(["serve", "--callback-key", "k", "--port", "x"]);
    expect(serve.stderr).toContain("--callback-key is now --key");
    expect((await cli(["serve", "--help"])).stdout).toContain("--secret-key-file PATH");
    const secretFromFile = await cli(["serve", "--secret-id", "AKID", "--secret-key-file", join(dir, "missing.secret"), "--journal", ":memory:"]);
    expect(secretFromFile).toMatchObject({ code: 2, stderr: expect.stringContaining("cannot read --secret-key-file") });
  });

  it("generate and emit make the same number of tasks without --count", async () => {
    const generated = await cli(["generate", "--seed", "1"]);
    expect(generated.stdout.trim().split("\n")).toHaveLength(20);
  });

  it("emit, like verify, exits 2 when nothing listens at the target", async () => {
    const url = await refusedUrl();
    const emitted = await cli(["emit", "--target", url, "--seed", "1", "--journal", join(dir, "unreachable.db")]);
    const verified = await cli(["verify", "--target", url, "--key", "k", "--sdk-app-id", "1400000001", "--seed", "1"]);
    expect([emitted.code, verified.code]).toEqual([2, 2]);
  });

  it("help <command> is <command> --help", async () => {
    expect((await cli(["help", "emit"])).stdout).toBe((await cli(["emit", "--help"])).stdout);
  });
});
