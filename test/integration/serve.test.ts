import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createReceiver } from "../../src/receiver/reference-receiver.js";
import { serve, type RunningServer } from "../../src/server/node.js";
import type { Io } from "../../src/cli/shared/command.js";
import { run } from "../../src/cli/main.js";
import { openJournal } from "../../src/delivery/index.js";
import type { KitChange } from "../../src/stand-in/types.js";
import { cli, collector } from "../helpers/cli.js";
import { waitFor } from "../helpers/servers.js";

const sdkAppId = 1400000001;
const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-serve-"));

/** Runs `serve` in-process as a user would from a shell, until `stop()` plays Ctrl-C. */
function startServe(args: string[], env: Io["env"] = {}) {
  const stdout = collector();
  const stderr = collector();
  let interrupt = () => {};
  const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
  const exit = run(["serve", "--port", "0", ...args], {
    stdout,
    stderr,
    stdin: (async function* () {})(),
    env,
    fetch: globalThis.fetch,
    interrupted,
  });
  const url = (async () => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(stderr.text);
      if (match?.[1]) return match[1];
      if (Date.now() > deadline) throw new Error(`serve did not start: ${stderr.text}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  return {
    url,
    stdout,
    stderr,
    async stop() {
      interrupt();
      return exit;
    },
  };
}

async function call(url: string, action: string, body: object, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/`, { method: "POST", headers: { "X-TC-Action": action, "X-TC-Version": "2019-09-19", ...headers }, body: JSON.stringify(body) });
  return ((await response.json()) as { Response: Record<string, unknown> & { Error?: { Code: string } } }).Response;
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("tiw-push-kit serve", () => {
  it("runs the loop over HTTP: callbacks reach the receiver, the journal keeps them, Ctrl-C exits 0", async () => {
    const events: string[] = [];
    const receiver = createReceiver({ callbackKey: "serve-key", sdkAppId, onEvent: (event) => events.push(event.EventType) });
    const receiverServer: RunningServer = await serve(receiver.fetch);
    cleanups.push(() => receiverServer.close());
    const journalPath = join(dir, "journal.db");
    const running = startServe(["--callback", `${receiverServer.url}/tiw`, "--callback-key", "serve-key", "--time-scale", "0", "--journal", journalPath]);
    const url = await running.url;

    const { TaskId: taskId } = await call(url, "StartWhiteboardPush", { SdkAppId: sdkAppId, RoomId: 77, PushUserId: "tic_push_user_77_01", PushUserSig: "sig" });
    await fetch(`${url}/_kit/clock/advance`, { method: "POST", body: JSON.stringify({ seconds: 1801 }) });
    await waitFor(() => events.length >= 2, 5000, "both callbacks");
    expect(events).toEqual(["WhiteboardPushStarted", "WhiteboardPushStopped"]);
    expect(await call(url, "DescribeWhiteboardPush", { SdkAppId: sdkAppId, TaskId: taskId as string })).toMatchObject({ Status: "STOPPED", FinishReason: "AUTO" });

    expect(await running.stop()).toBe(0);
    expect(running.stdout.text).toContain(`task ${taskId} stopped AUTO`);
    expect(running.stdout.text).toMatch(/delivered WhiteboardPushStopped of \w+ to http:\/\/127\.0\.0\.1:\d+\/tiw \(HTTP 200, 1 attempt\(s\)\)/);
    expect(running.stderr.text).toContain("stand-in stopped");
    expect(running.stderr.text + running.stdout.text).not.toContain("serve-key");

    const journal = openJournal(journalPath);
    try {
      const journaled = journal.listEvents({ taskId: taskId as string });
      expect(journaled.map((event) => [event.eventType, event.status])).toEqual([
        ["WhiteboardPushStarted", "delivered"],
        ["WhiteboardPushStopped", "delivered"],
      ]);
    } finally {
      journal.close();
    }
  });

  it("prints only JSON changes on stdout with --json", async () => {
    const running = startServe(["--json", "--journal", ":memory:", "--time-scale", "0"]);
    const url = await running.url;
    await call(url, "SetWhiteboardPushCallback", { SdkAppId: sdkAppId, Callback: "http://127.0.0.1:9/nowhere" });
    await call(url, "StartWhiteboardPush", { SdkAppId: sdkAppId, RoomId: 5, PushUserId: "u", PushUserSig: "s" });
    expect(await running.stop()).toBe(0);
    const changes = running.stdout.text.trimEnd().split("\n").map((line) => JSON.parse(line) as KitChange);
    expect(changes.map((change) => change.type)).toEqual(["settings", "task"]);
  });

  it("verifies TC3 signatures with keys from the environment and limits the rate as asked", async () => {
    const running = startServe(["--journal", ":memory:", "--rate-limit", "2"], { TIW_SECRET_ID: "AKIDfromenv", TIW_SECRET_KEY: "secret-from-env" });
    cleanups.push(() => running.stop());
    const url = await running.url;
    expect((await call(url, "DescribeWhiteboardPushCallback", { SdkAppId: sdkAppId })).Error?.Code).toBe("AuthFailure.InvalidAuthorization");
    expect(await (await fetch(`${url}/_kit/settings`)).json()).toMatchObject({ signatureVerification: true, secretId: "****nv", rateLimit: 2 });
    expect(running.stderr.text).not.toContain("secret-from-env");
  });

  it.each([
    [["--secret-id", "AKID"], "--secret-id and --secret-key go together"],
    [["--time-scale", "fast"], "--time-scale must be a number >= 0"],
    [["--callback", "ftp://backend"], "The callback address `ftp://backend` is not an http:// or https:// URL"],
    [["--callback-key", "k".repeat(65)], "callbackKey must NOT have more than 64 characters"],
    [["--port", "70000"], "--port must be a whole number in [0, 65535]"],
    [["--rate-limit=-1"], "--rate-limit must be a whole number"],
  ])("exits 2 with one line for %j", async (args, message) => {
    const result = await cli(["serve", ...args, "--journal", ":memory:"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 1 with one line when the port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => blocker.close(resolve)));
    const { port } = blocker.address() as { port: number };
    const result = await cli(["serve", "--port", String(port), "--journal", ":memory:"]);
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining(`port ${port} on 127.0.0.1 is already in use`) });
  });
});

describe("serve on a journal it cannot use", () => {
  it("exits 2 with one line when another live process holds the journal", async () => {
    const journal = join(dir, "held.db");
    const { spawn } = await import("node:child_process");
    const { hostname } = await import("node:os");
    const { writeFileSync } = await import("node:fs");
    // A live process that is not this one holds the lock, as a running emit would.
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    try {
      writeFileSync(`${journal}.lock`, JSON.stringify({ pid: holder.pid, host: hostname(), since: new Date().toISOString(), token: "other" }) + "\n");
      const result = await cli(["serve", "--port", "0", "--journal", journal]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/in use by process \d+/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      holder.kill();
    }
  });
});
