// Just over 300 lines: every way serve goes on after a kill (pending callbacks, earlier tasks, a full disk) against one journal fixture.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { openJournal, type Journal } from "../../src/delivery/index.js";
import { verifyCallback } from "../../src/receiver/verify-callback.js";
import { createTiwApi, type TiwApi, type TiwApiOptions } from "../../src/stand-in/http/tiw-api.js";
import type { KitTask } from "../../src/stand-in/types.js";
import type { WhiteboardPushEvent, WhiteboardPushStoppedEvent } from "../../src/tiw/events.js";
import { recordingServer, waitFor, type RecordingServer } from "../helpers/servers.js";

const sdkAppId = 1400000001;
const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-restart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let journals = 0;
const freshJournalPath = () => join(dir, `journal-${++journals}.db`);

/**
 * One run of the stand-in on the journal file at `path`, closed with its journal after the test;
 * a hanging receiver it sends to answers first, so that closing does not wait for it.
 */
function runOn(path: string, options: TiwApiOptions, sendsTo?: HangingReceiver) {
  const journal = openJournal(path);
  const api = createTiwApi({ timeScale: 0, retries: 0, ...options, journal });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    sendsTo?.release();
    await api.close();
    journal.close();
  };
  onTestFinished(close);
  return { api, journal, close };
}

/** A receiver over HTTP that records every body and answers 200. */
async function receiver(): Promise<RecordingServer> {
  const server = await recordingServer();
  onTestFinished(() => server.close());
  return server;
}

interface HangingReceiver extends RecordingServer {
  /** Answers every request, held or to come, with a 503. */
  release(): void;
}

/**
 * A receiver that does not answer until released: the run that sends to it stands for a `serve`
 * killed with its callbacks under way.
 */
async function hangingReceiver(): Promise<HangingReceiver> {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = await recordingServer(async () => {
    await released;
    return new Response("gone", { status: 503 });
  });
  onTestFinished(async () => {
    release();
    await server.close();
  });
  return { ...server, release };
}

async function call(api: TiwApi, action: string, body: object) {
  const response = await api.fetch(
    new Request("http://127.0.0.1:4010/", { method: "POST", headers: { "X-TC-Action": action, "X-TC-Version": "2019-09-19" }, body: JSON.stringify({ SdkAppId: sdkAppId, ...body }) }),
  );
  return ((await response.json()) as { Response: Record<string, unknown> & { Error?: { Code: string } } }).Response;
}

async function control(api: TiwApi, method: string, path: string): Promise<{ status: number; json: unknown }> {
  const response = await api.fetch(new Request(`http://127.0.0.1:4010/_kit/${path}`, { method }));
  return { status: response.status, json: await response.json() };
}

type SignedEvent = WhiteboardPushEvent & { Sign?: string };
const eventsOf = (server: RecordingServer) => server.bodies.map((body) => JSON.parse(body) as SignedEvent);
const callbackOf = (event: WhiteboardPushEvent) => `${event.EventData.TaskId} ${event.EventType}`;

/** The messages of the process warnings emitted during the test. */
function warnings(): string[] {
  const seen: string[] = [];
  const listener = (warning: Error) => seen.push(warning.message);
  process.on("warning", listener);
  onTestFinished(() => void process.off("warning", listener));
  return seen;
}

/** Reads the journal file as a restarted process would: only what was committed. */
function committed<T>(path: string, read: (journal: Journal) => T): T {
  const journal = openJournal(path);
  try {
    return read(journal);
  } finally {
    journal.close();
  }
}

describe("serve journals each callback when it is produced", () => {
  it("a Stopped waiting behind its task's unanswered Started is already in the journal, pending", async () => {
    const path = freshJournalPath();
    const hanging = await hangingReceiver();
    const { api } = runOn(path, { callback: `${hanging.url}/tiw`, callbackKey: "first-key", timeoutMs: 60_000 }, hanging);
    const task = api.createTask();
    api.trigger(task.taskId, "start");
    await waitFor(() => hanging.bodies.length === 1, 5000, "the Started to reach the receiver");
    expect((await call(api, "StopWhiteboardPush", { TaskId: task.taskId })).Error).toBeUndefined();

    const journaled = committed(path, (journal) => journal.listEvents({ taskId: task.taskId }).map((event) => [event.eventType, event.status]));
    expect(journaled).toEqual([
      ["WhiteboardPushStarted", "pending"],
      ["WhiteboardPushStopped", "pending"],
    ]);
  });
});

describe("a restarted stand-in resends what its earlier run left pending", () => {
  it("in each task's order, to the callback URL and with the key configured now", async () => {
    const path = freshJournalPath();
    const hanging = await hangingReceiver();
    const first = runOn(path, { callback: `${hanging.url}/tiw`, callbackKey: "first-key", timeoutMs: 60_000 }, hanging);
    const stopped = first.api.createTask();
    first.api.trigger(stopped.taskId, "stop");
    const pushing = first.api.createTask();
    first.api.trigger(pushing.taskId, "start");
    await waitFor(() => hanging.bodies.length === 2, 5000, "both Started to reach the receiver");

    // The first run never hears back: as if killed. The second one opens the same file.
    const server = await receiver();
    const second = runOn(path, { callback: `${server.url}/tiw`, callbackKey: "second-key" });
    await second.api.settled();
    expect((await call(second.api, "StopWhiteboardPush", { TaskId: pushing.taskId })).Error).toBeUndefined();
    await second.api.settled();

    const received = eventsOf(server);
    expect(received.map(callbackOf).sort()).toEqual(
      [`${stopped.taskId} WhiteboardPushStarted`, `${stopped.taskId} WhiteboardPushStopped`, `${pushing.taskId} WhiteboardPushStarted`, `${pushing.taskId} WhiteboardPushStopped`].sort(),
    );
    for (const taskId of [stopped.taskId, pushing.taskId]) {
      const order = received.filter((event) => event.EventData.TaskId === taskId).map((event) => event.EventType);
      expect(order).toEqual(["WhiteboardPushStarted", "WhiteboardPushStopped"]);
    }
    for (const body of server.bodies) expect(verifyCallback(body, { callbackKey: "second-key", sdkAppId })).toMatchObject({ ok: true });
    // The same journal records, continued: the earlier attempt is kept, the new one delivered them.
    expect(second.api.deliveries(stopped.taskId).map((delivery) => [delivery.id, delivery.status, delivery.target])).toEqual([
      [`${stopped.taskId}.stopped`, "delivered", `${server.url}/tiw`],
      [`${stopped.taskId}.started`, "delivered", `${server.url}/tiw`],
    ]);
    await second.close();
    expect(committed(path, (journal) => journal.countByStatus())).toMatchObject({ pending: 0, delivered: 4, failed: 0 });
  });

  it("signed ones wait for a callback key when none is configured now, said once", async () => {
    const seen = warnings();
    const path = freshJournalPath();
    const hanging = await hangingReceiver();
    const first = runOn(path, { callback: `${hanging.url}/tiw`, callbackKey: "first-key", timeoutMs: 60_000 }, hanging);
    const task = first.api.createTask();
    first.api.trigger(task.taskId, "stop");
    await waitFor(() => hanging.bodies.length === 1, 5000, "the Started to reach the receiver");

    const server = await receiver();
    const second = runOn(path, { callback: `${server.url}/tiw` });
    await waitFor(() => seen.some((message) => message.includes("no callback key")), 5000, "the warning");
    await second.api.settled();
    expect(server.bodies).toEqual([]);
    expect(second.api.deliveries(task.taskId).map((delivery) => delivery.status)).toEqual(["pending", "pending"]);
    expect(seen.filter((message) => message.includes("no callback key"))).toEqual([expect.stringMatching(/^tiw-push-kit: 2 callbacks .*pending/)]);

    expect((await call(second.api, "SetWhiteboardPushCallbackKey", { CallbackKey: "second-key" })).Error).toBeUndefined();
    await waitFor(() => server.bodies.length === 2, 5000, "both callbacks");
    await second.api.settled();
    expect(eventsOf(server).map((event) => event.EventType)).toEqual(["WhiteboardPushStarted", "WhiteboardPushStopped"]);
    for (const body of server.bodies) expect(verifyCallback(body, { callbackKey: "second-key", sdkAppId })).toMatchObject({ ok: true });
  });
});

describe("a restarted stand-in takes over the tasks of its earlier run", () => {
  it("stops a PUSHING one with the API, times one out from its last activity, starts a PREPARED one; a STOPPED one stays read-only", async () => {
    const path = freshJournalPath();
    const server = await receiver();
    const options = { callback: `${server.url}/tiw`, callbackKey: "restart-key", prepareSeconds: 60 };
    const first = runOn(path, options);
    const stopped = first.api.createTask();
    first.api.trigger(stopped.taskId, "stop");
    const byUser = first.api.createTask();
    first.api.trigger(byUser.taskId, "start");
    const idle = first.api.createTask({ AutoStopTimeout: 300 });
    first.api.trigger(idle.taskId, "start");
    first.api.advance(100);
    const touched = first.api.trigger(idle.taskId, "activity");
    const prepared = first.api.createTask();
    await first.api.settled();
    const startedOfUser = eventsOf(server).find((event) => event.EventData.TaskId === byUser.taskId);
    await first.close();

    const second = runOn(path, options);
    const lastActivity = touched.timeline.at(-1)?.at ?? 0;
    // Virtual time does not run back behind a task that goes on.
    expect(second.api.clockView().now).toBeGreaterThanOrEqual(lastActivity);

    // PUSHING: stopped and described through the Cloud API, its Stopped sent.
    expect(await call(second.api, "DescribeWhiteboardPush", { TaskId: byUser.taskId })).toMatchObject({ Status: "PUSHING" });
    expect((await call(second.api, "StopWhiteboardPush", { TaskId: byUser.taskId })).Error).toBeUndefined();
    expect(await call(second.api, "DescribeWhiteboardPush", { TaskId: byUser.taskId })).toMatchObject({ Status: "STOPPED", FinishReason: "USER_CALL" });

    // Its idle timer runs from its last activity of the earlier run.
    expect(second.api.task(idle.taskId)?.autoStopAt).toBe(lastActivity + 300_000);
    second.api.advance((lastActivity + 300_000 - second.api.clockView().now) / 1000 - 1);
    expect(second.api.task(idle.taskId)?.describe.Status).toBe("PUSHING");
    second.api.advance(1);
    expect(second.api.task(idle.taskId)?.describe).toMatchObject({ Status: "STOPPED", FinishReason: "AUTO", PushStopTime: Math.floor((lastActivity + 300_000) / 1000) });

    // PREPARED: its preparation ended while the stand-in was down, so it pushes.
    await waitFor(() => second.api.task(prepared.taskId)?.describe.Status === "PUSHING", 5000, "the prepared task to push");
    expect(second.api.task(prepared.taskId)?.describe.PushStartTime).toBe(Math.floor((prepared.createdAt + 60_000) / 1000));

    // STOPPED: described by the API, read-only on the control surface.
    expect(await call(second.api, "DescribeWhiteboardPush", { TaskId: stopped.taskId })).toMatchObject({ Status: "STOPPED", FinishReason: "USER_CALL" });
    expect((await call(second.api, "StopWhiteboardPush", { TaskId: stopped.taskId })).Error?.Code).toBe("UnsupportedOperation.TaskHasAlreadyStopped");
    expect(await control(second.api, "POST", `tasks/${stopped.taskId}/stop`)).toMatchObject({ status: 409, json: { message: expect.stringContaining("earlier run") } });
    const restored = (id: string) => second.api.task(id)?.restored;
    expect([restored(stopped.taskId), restored(byUser.taskId), restored(idle.taskId), restored(prepared.taskId)]).toEqual([true, undefined, undefined, undefined]);

    await second.api.settled();
    const stops = eventsOf(server).filter((event) => event.EventType === "WhiteboardPushStopped");
    const ofUser = stops.find((event) => event.EventData.TaskId === byUser.taskId);
    expect(ofUser?.EventData).toMatchObject({ FinishReason: "USER_CALL", PushStartTime: startedOfUser?.EventData.PushStartTime });
    expect(stops.map((event) => event.EventData.TaskId).sort()).toEqual([stopped.taskId, byUser.taskId, idle.taskId].sort());
  });

  it("believes the journal over a task view a kill left behind: what was sent stays sent", async () => {
    const path = freshJournalPath();
    const server = await receiver();
    const options = { callback: `${server.url}/tiw`, callbackKey: "restart-key" };
    const first = runOn(path, options);
    const stopped = first.api.createTask();
    first.api.trigger(stopped.taskId, "start");
    const beforeStop = first.api.task(stopped.taskId) as KitTask;
    first.api.trigger(stopped.taskId, "stop");
    const started = first.api.createTask();
    const beforeStart = first.api.task(started.taskId) as KitTask;
    first.api.trigger(started.taskId, "start");
    const both = first.api.createTask();
    first.api.trigger(both.taskId, "stop");
    await first.api.settled();
    const sentBefore = server.bodies.length;
    await first.close();

    // A kill between journaling a callback and saving its task's view leaves the view before it.
    committed(path, (journal) => {
      const rewind = journal.database.prepare("UPDATE kit_tasks SET view = ? WHERE task_id = ?");
      rewind.run(JSON.stringify(beforeStop), stopped.taskId);
      rewind.run(JSON.stringify(beforeStart), started.taskId);
      rewind.run(JSON.stringify(both), both.taskId);
    });

    const second = runOn(path, options);
    expect(await call(second.api, "DescribeWhiteboardPush", { TaskId: stopped.taskId })).toMatchObject({ Status: "STOPPED", FinishReason: "USER_CALL" });
    expect((await call(second.api, "StopWhiteboardPush", { TaskId: stopped.taskId })).Error?.Code).toBe("UnsupportedOperation.TaskHasAlreadyStopped");
    const startedEvent = eventsOf(server).find((event) => event.EventData.TaskId === started.taskId);
    expect(await call(second.api, "DescribeWhiteboardPush", { TaskId: started.taskId })).toMatchObject({ Status: "PUSHING", PushStartTime: startedEvent?.EventData.PushStartTime });
    const bothStopped = eventsOf(server).find((event): event is WhiteboardPushStoppedEvent => event.EventData.TaskId === both.taskId && event.EventType === "WhiteboardPushStopped");
    expect(second.api.task(both.taskId)).toMatchObject({
      restored: true,
      describe: { Status: "STOPPED", FinishReason: "USER_CALL", PushStartTime: bothStopped?.EventData.PushStartTime, PushStopTime: bothStopped?.EventData.PushStopTime },
    });
    expect(second.api.task(both.taskId)?.timeline.map((entry) => entry.kind)).toEqual(["created", "started", "stopped"]);
    second.api.advance(5);
    await second.api.settled();
    expect(server.bodies).toHaveLength(sentBefore);
  });
});

describe("serve on a full disk", () => {
  it("keeps callbacks pending, never failed, and journals and sends them once the journal can be written again", async () => {
    const seen = warnings();
    const path = freshJournalPath();
    const server = await receiver();
    const { api, journal, close } = runOn(path, { callback: `${server.url}/tiw`, callbackKey: "full-disk-key" });
    // A real SQLITE_FULL: the file may not grow beyond the pages it has.
    const pages = Number(journal.database.prepare("PRAGMA page_count").get()?.page_count);
    journal.database.prepare(`PRAGMA max_page_count = ${pages}`).get();

    const taskIds = Array.from({ length: 40 }, () => api.createTask().taskId);
    for (const taskId of taskIds) api.trigger(taskId, "stop");
    await waitFor(() => seen.some((message) => /^tiw-push-kit: the journal .* cannot be written: disk full \(SQLITE_FULL\).*: callbacks stay pending in memory/.test(message)), 5000, "the warning");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const statuses = () => api.deliveries().map((delivery) => delivery.status);
    expect(statuses()).not.toContain("failed");
    expect(statuses()).toContain("pending");

    journal.database.prepare("PRAGMA max_page_count = 1073741823").get();
    await waitFor(() => statuses().length === 80 && statuses().every((status) => status === "delivered"), 10_000, "every callback delivered");
    expect(new Set(eventsOf(server).map(callbackOf)).size).toBe(80);
    expect(seen.some((message) => message.includes("takes writes again"))).toBe(true);
    await close();
    expect(committed(path, (read) => read.countByStatus())).toMatchObject({ pending: 0, delivered: 80, failed: 0 });
  });
});
