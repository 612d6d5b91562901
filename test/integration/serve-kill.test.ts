import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { createRandom, type Random } from "../../src/generate/random.js";
import { openJournal } from "../../src/delivery/index.js";
import { verifyCallback } from "../../src/receiver/verify-callback.js";
import type { KitTask } from "../../src/stand-in/types.js";
import type { WhiteboardPushEvent } from "../../src/tiw/events.js";
import { recordingServer, waitFor } from "../helpers/servers.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-serve-kill-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sdkAppId = 1400000001;
const callbackKey = "serve-kill-key";
const kills = 3;
const workers = 6;

interface RunningServe {
  url: string;
  kill(): Promise<void>;
}

/** `serve` in its own process, as a user runs it, on the journal at `journalPath`. */
async function startServe(journalPath: string, callback: string): Promise<RunningServe> {
  const args = ["serve", "--port", "0", "--callback", callback, "--callback-key", callbackKey, "--prepare-seconds", "0.2", "--rate-limit", "0", "--journal", journalPath];
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const kill = async () => {
    child.kill("SIGKILL");
    await exited;
  };
  onTestFinished(kill);
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  await waitFor(() => /listening on http:\/\/127\.0\.0\.1:\d+\//.test(stderr), 30_000, "serve to listen");
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(stderr)?.[1] ?? "";
  return { url, kill };
}

type Answer = Record<string, unknown> & { Error?: { Code: string } };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const callbackOf = (event: WhiteboardPushEvent) => `${event.EventData.TaskId} ${event.EventType}`;

describe("serve killed with SIGKILL and started again on its journal", () => {
  it("delivers every Started and Stopped of every task, in order, and the API stops the tasks of the killed run", { timeout: 180_000 }, async () => {
    const seed = Date.now() % 100_000;
    const random: Random = createRandom(seed);
    const note = `seed ${seed}`;
    const journalPath = join(dir, "serve-journal.db");
    // Answers slowly, so that each kill finds callbacks under way.
    const receiver = await recordingServer(async () => {
      await sleep(random.int(5, 40));
      return Response.json({ error_code: 0 });
    });
    onTestFinished(() => receiver.close());
    let serve = await startServe(journalPath, `${receiver.url}/tiw`);
    let ended = false;
    onTestFinished(() => void (ended = true));

    /** A Cloud API call, tried again (against the restarted `serve`) while `serve` is down. */
    async function call(action: string, body: object): Promise<Answer> {
      for (;;) {
        if (ended) throw new Error("the test has ended");
        try {
          const response = await fetch(`${serve.url}/`, {
            method: "POST",
            headers: { "X-TC-Action": action, "X-TC-Version": "2019-09-19" },
            body: JSON.stringify({ SdkAppId: sdkAppId, ...body }),
          });
          return ((await response.json()) as { Response: Answer }).Response;
        } catch {
          await sleep(50);
        }
      }
    }
    const startTask = async () => String((await call("StartWhiteboardPush", { RoomId: random.int(1000, 9999), PushUserId: "tic_push_user_kill_01", PushUserSig: "sig" })).TaskId);

    // Backends start and stop pushes all along; a stop sent again after a kill may find its task already stopped.
    const known = new Set<string>();
    let killing = true;
    async function backend(): Promise<void> {
      while (killing || known.size < 30) {
        const taskId = await startTask();
        known.add(taskId);
        await sleep(random.int(0, 400));
        const stopped = await call("StopWhiteboardPush", { TaskId: taskId });
        expect([undefined, "UnsupportedOperation.TaskHasAlreadyStopped"], `${note}: stopping ${taskId}`).toContain(stopped.Error?.Code);
      }
    }
    const backendFailures: unknown[] = [];
    const backends = Array.from({ length: workers }, () => backend().catch((error: unknown) => void backendFailures.push(error)));

    const killedAt: number[] = [];
    const acknowledgedAtKill: Array<Set<string>> = [];
    for (let kill = 0; kill < kills; kill++) {
      await sleep(random.int(300, 1000));
      // A task surely PUSHING when serve dies.
      const pushing = await startTask();
      known.add(pushing);
      await waitFor(async () => (await call("DescribeWhiteboardPush", { TaskId: pushing })).Status === "PUSHING", 10_000, "the task to push");
      await serve.kill();
      killedAt.push(receiver.bodies.length);
      const journal = openJournal(journalPath);
      acknowledgedAtKill.push(new Set(journal.listEvents({ status: "delivered" }).map((event) => `${event.taskId} ${event.eventType}`)));
      journal.close();

      serve = await startServe(journalPath, `${receiver.url}/tiw`);
      expect((await call("StopWhiteboardPush", { TaskId: pushing })).Error, `${note}: stopping ${pushing} after the restart`).toBeUndefined();
      expect(await call("DescribeWhiteboardPush", { TaskId: pushing })).toMatchObject({ Status: "STOPPED", FinishReason: "USER_CALL" });
    }
    killing = false;
    await Promise.all(backends);
    expect(backendFailures).toEqual([]);

    // A StartWhiteboardPush whose answer a kill cut off left a task the backend never heard of: stopped too.
    const tasks = (await (await fetch(`${serve.url}/_kit/tasks`)).json()) as KitTask[];
    for (const task of tasks) {
      known.add(task.taskId);
      if (task.describe.Status !== "STOPPED") expect((await call("StopWhiteboardPush", { TaskId: task.taskId })).Error).toBeUndefined();
    }
    const received = () => receiver.bodies.map((body) => JSON.parse(body) as WhiteboardPushEvent);
    const expected = [...known].flatMap((taskId) => [`${taskId} WhiteboardPushStarted`, `${taskId} WhiteboardPushStopped`]);
    await waitFor(
      () => {
        const arrived = new Set(received().map(callbackOf));
        return expected.every((callback) => arrived.has(callback));
      },
      30_000,
      "every callback of every task",
    );

    const events = received();
    const arrivals = new Map<string, number[]>();
    events.forEach((event, index) => arrivals.set(callbackOf(event), [...(arrivals.get(callbackOf(event)) ?? []), index]));
    for (const taskId of known) {
      const started = arrivals.get(`${taskId} WhiteboardPushStarted`) ?? [];
      const stopped = arrivals.get(`${taskId} WhiteboardPushStopped`) ?? [];
      expect(started[0], `${note}: ${taskId} Started before Stopped`).toBeLessThan(stopped[0] ?? -1);
      const startedEvent = events[started[0] ?? -1];
      const stoppedEvent = events[stopped[0] ?? -1];
      expect(stoppedEvent?.EventData, `${note}: ${taskId}`).toMatchObject({ FinishReason: "USER_CALL", PushStartTime: startedEvent?.EventData.PushStartTime });
      // A kill repeats at most one callback per task: the one under way, whose answer was not journaled yet.
      expect(started.length + stopped.length - 2, `${note}: ${taskId} sent again`).toBeLessThanOrEqual(kills);
    }
    // What the journal held as answered when serve died is never sent again.
    acknowledgedAtKill.forEach((acknowledged, kill) => {
      const again = events.slice(killedAt[kill]).map(callbackOf).filter((callback) => acknowledged.has(callback));
      expect(again, `${note}: after kill ${kill + 1}`).toEqual([]);
    });
    for (const body of receiver.bodies) expect(verifyCallback(body, { callbackKey, sdkAppId }).ok).toBe(true);
    expect(known.size).toBeGreaterThanOrEqual(30);
  });
});
