/**
 * Wire time: every callback the kit puts on the wire, from every sender, judged by a receiver's
 * wall clock at the moment it arrives (see test/helpers/wire-clock.ts for the rules). The senders
 * are driven from the outside, as a user does (CLI in-process, HTTP, the MSW handlers), so that
 * the checks hold whatever the kit's internals look like. Over 300 lines because it holds one case
 * per sender, and a reader wants them side by side.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTiwHandlers, tiwEndpoints } from "../../mocks/index.js";
import { generate } from "../../src/generate/generate.js";
import { cli } from "../helpers/cli.js";
import { liveCli, recordingServer, waitFor, type LiveCli } from "../helpers/servers.js";
import {
  arrivedCallbacks,
  callbackOf,
  expiredForgeryViolations,
  isSignedWith,
  relationViolations,
  signingRuleViolations,
  summarise,
  taskEventKey,
  validEventViolations,
  wireRecorder,
  type ArrivedCallback,
  type Violation,
  type WireRecorder,
  type WireRecorderOptions,
} from "../helpers/wire-clock.js";

const key = "wire-time-key";
const sdkAppId = 1400000001;
const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-wire-time-"));
let journals = 0;
const freshJournal = () => join(dir, `journal-${++journals}.db`);

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function recorder(options: WireRecorderOptions = {}): Promise<WireRecorder> {
  const running = await wireRecorder(options);
  cleanups.push(() => running.close());
  return running;
}

/** A long-running command, stopped with Ctrl-C after the test whatever happened. */
function liveCommand(argv: string[]): LiveCli {
  const run = liveCli(argv);
  cleanups.push(async () => {
    run.interrupt();
    await run.exit;
  });
  return run;
}

/** An event as `log --json` lists it. */
interface JournaledEvent {
  taskId: string;
  eventType: string;
  fault?: string;
  status: string;
}

async function journaledEvents(journal: string): Promise<JournaledEvent[]> {
  const listed = await cli(["log", "--json", "--limit", "1000000", "--journal", journal]);
  expect(listed.code).toBe(0);
  return JSON.parse(listed.stdout) as JournaledEvent[];
}

/** Faults after which a body is still a valid event. */
const validFaults = new Set([undefined, "unknown-fields"]);

/** Rules 1-3 on every valid callback; empty when all hold. */
function validReport(valid: readonly ArrivedCallback[], options: { virtualClockAhead?: boolean } = {}): string[] {
  return summarise(
    valid.flatMap((arrived) => validEventViolations(arrived, options)),
    valid.length,
  );
}

describe("emit", () => {
  it("with default options (no --now, no --seed): signed for the receiver's clock, nothing from the future", async () => {
    const receiver = await recorder();
    const result = await cli(["emit", "--target", receiver.url, "--key", key, "--count", "10", "--journal", freshJournal()]);
    const arrived = arrivedCallbacks(receiver.arrivals);
    expect(arrived).toHaveLength(20);
    expect(arrived.filter(({ callback }) => !isSignedWith(callback, key)).map(({ callback }) => taskEventKey(callback))).toEqual([]);
    expect(validReport(arrived)).toEqual([]);
    expect(result.code).toBe(0);
  });

  it("with --chaos expired,bad-sign,duplicate: valid events as above, and every expired forgery expired on the wall clock", async () => {
    // Accepts everything, so that nothing is retried and the wire holds exactly the planned sends.
    const receiver = await recorder();
    const journal = freshJournal();
    const result = await cli(["emit", "--target", receiver.url, "--key", key, "--count", "10", "--chaos", "expired=0.5,bad-sign=0.2,duplicate=0.2", "--json", "--journal", journal]);
    const summary = JSON.parse(result.stdout) as { sent: number };
    expect(receiver.arrivals).toHaveLength(summary.sent);

    const journaled = await journaledEvents(journal);
    const expiredPlanned = new Map<string, number>();
    for (const event of journaled.filter((entry) => entry.fault === "expired")) {
      const eventKey = `${event.taskId}:${event.eventType}`;
      expiredPlanned.set(eventKey, (expiredPlanned.get(eventKey) ?? 0) + 1);
    }
    // A forged copy goes just before its real event, and a task's sends go one after the other: of the
    // bodies of one event that verify with the key, the first ones are its expired forgeries.
    const expiredSeen = new Map<string, number>();
    const forgeries: ArrivedCallback[] = [];
    const valid: ArrivedCallback[] = [];
    for (const arrived of arrivedCallbacks(receiver.arrivals)) {
      if (!isSignedWith(arrived.callback, key)) continue;
      const eventKey = taskEventKey(arrived.callback);
      const seen = expiredSeen.get(eventKey) ?? 0;
      if (seen < (expiredPlanned.get(eventKey) ?? 0)) {
        expiredSeen.set(eventKey, seen + 1);
        forgeries.push(arrived);
      } else {
        valid.push(arrived);
      }
    }
    expect(forgeries.length).toBeGreaterThan(0);
    expect(forgeries).toHaveLength(journaled.filter((event) => event.fault === "expired").length);
    expect(valid).toHaveLength(journaled.filter((event) => validFaults.has(event.fault)).length);

    // One assertion, so that a failure reports both kinds of events.
    expect({ valid: validReport(valid), expiredForgeries: summarise(forgeries.flatMap(expiredForgeryViolations), forgeries.length) }).toEqual({ valid: [], expiredForgeries: [] });
  });

  it("without --seed, two runs generate different tasks", async () => {
    const receiver = await recorder();
    const taskIdsOfRun = async () => {
      const before = receiver.arrivals.length;
      expect((await cli(["emit", "--target", receiver.url, "--key", key, "--count", "3", "--journal", freshJournal()])).code).toBe(0);
      return new Set(arrivedCallbacks(receiver.arrivals.slice(before)).map(({ callback }) => callback.EventData.TaskId));
    };
    const first = await taskIdsOfRun();
    const second = await taskIdsOfRun();
    expect(first.size).toBe(3);
    expect([...second].filter((taskId) => first.has(taskId))).toEqual([]);
  });
});

describe("resend and emit --resume", () => {
  it("resend --failed signs each event for the moment it is sent again", async () => {
    const down = await recordingServer(() => new Response("down", { status: 503 }));
    cleanups.push(() => down.close());
    const journal = freshJournal();
    const first = await cli(["emit", "--target", `${down.url}/callback`, "--key", key, "--count", "3", "--retries", "0", "--journal", journal]);
    expect(first.code).toBe(1);
    // A while later, so that a signature kept from the first try would show.
    await sleep(1100);

    const receiver = await recorder({ callbackKey: key, sdkAppId });
    const resent = await cli(["resend", "--failed", "--target", receiver.url, "--key", key, "--retries", "0", "--journal", journal, "--json"]);
    const arrived = arrivedCallbacks(receiver.arrivals);
    expect(arrived).toHaveLength(6);
    expect(validReport(arrived)).toEqual([]);
    expect(JSON.parse(resent.stdout)).toMatchObject({ sent: 6, delivered: 6 });
  });

  it("emit --resume after Ctrl-C sends the pending events signed for the moment they are sent", async () => {
    const before = await recorder();
    const journal = freshJournal();
    const run = liveCommand(["emit", "--target", before.url, "--key", key, "--count", "10", "--rate", "4", "--journal", journal]);
    await waitFor(() => before.arrivals.length >= 2, 10_000, "two deliveries before Ctrl-C");
    run.interrupt();
    expect(await run.exit).toBe(1);
    const sentBefore = before.arrivals.length;
    expect(sentBefore).toBeLessThan(20);

    const after = await recorder({ callbackKey: key, sdkAppId });
    const resumed = await cli(["emit", "--resume", "--target", after.url, "--key", key, "--retries", "0", "--journal", journal, "--json"]);
    const arrived = [...arrivedCallbacks(before.arrivals), ...arrivedCallbacks(after.arrivals)];
    expect(arrived).toHaveLength(20);
    expect(validReport(arrived)).toEqual([]);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ sent: 20 - sentBefore, delivered: 20 - sentBefore });
  });
});

/** A Cloud API v3 call to the stand-in. */
async function tiwAction(base: string, action: string, body: object): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}/`, { method: "POST", headers: { "X-TC-Action": action, "X-TC-Version": "2019-09-19" }, body: JSON.stringify(body) });
  const { Response: answer } = (await response.json()) as { Response: Record<string, unknown> & { Error?: unknown } };
  expect(answer.Error, `${action} failed`).toBeUndefined();
  return answer;
}

async function kitPost(base: string, path: string, body: object = {}): Promise<unknown> {
  const response = await fetch(`${base}/_kit/${path}`, { method: "POST", body: JSON.stringify(body) });
  expect(response.ok, `POST /_kit/${path} answered ${response.status}`).toBe(true);
  return response.json();
}

/** What the stand-in reports of one callback of a chaos burst. */
interface BurstDelivery {
  taskId: string;
  eventType: string;
  fault: string;
  status: string;
  passed: boolean | null;
}

interface Burst {
  id: string;
  deliveries: BurstDelivery[];
}

/** Sends a chaos burst through the stand-in at `base` and waits until every callback of it was answered. */
async function settledBurst(base: string, count: number): Promise<Burst> {
  const { id } = (await kitPost(base, "chaos-bursts", { count })) as Burst;
  let settled: Burst | undefined;
  await waitFor(
    async () => {
      const bursts = (await (await fetch(`${base}/_kit/chaos-bursts`)).json()) as Burst[];
      const burst = bursts.find((candidate) => candidate.id === id);
      settled = burst?.deliveries.every((delivery) => delivery.status !== "pending") ? burst : undefined;
      return settled !== undefined;
    },
    10_000,
    `chaos burst ${id} to settle`,
  );
  if (!settled) throw new Error("unreachable: waitFor returned without a settled burst");
  return settled;
}

const hasArrived = (receiver: WireRecorder, taskId: string, eventType: string) =>
  receiver.arrivals.some(({ callback }) => callback?.EventData.TaskId === taskId && callback.EventType === eventType);

describe("serve --time-scale 30", () => {
  it("after clock/advance: valid callbacks valid on the wall clock with ExpireTime - Timestamp not growing, expired forgeries expired on the wall clock", async () => {
    // Judges on the wall clock as a real receiver does; the stand-in does not retry, so one body per send.
    const receiver = await recorder({ callbackKey: key, sdkAppId });
    const run = liveCommand(["serve", "--port", "0", "--time-scale", "30", "--callback", receiver.url, "--callback-key", key, "--retries", "0", "--journal", freshJournal()]);
    await waitFor(() => /listening on http:/.test(run.stderr()), 10_000, "serve to listen");
    const api = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(run.stderr())?.[1] ?? "";

    const autoTask = (await tiwAction(api, "StartWhiteboardPush", { SdkAppId: sdkAppId, RoomId: 3101, PushUserId: "tic_push_user_3101_01", PushUserSig: "sig" })).TaskId as string;
    const userTask = (await tiwAction(api, "StartWhiteboardPush", { SdkAppId: sdkAppId, RoomId: 3102, PushUserId: "tic_push_user_3102_01", PushUserSig: "sig", AutoStopTimeout: 7200 }))
      .TaskId as string;
    await waitFor(() => hasArrived(receiver, autoTask, "WhiteboardPushStarted") && hasArrived(receiver, userTask, "WhiteboardPushStarted"), 10_000, "both Started");
    // 1800 virtual seconds in one step: the first task's idle timeout falls due (AUTO).
    await kitPost(api, "clock/advance", { seconds: 1800 });
    await waitFor(() => hasArrived(receiver, autoTask, "WhiteboardPushStopped"), 10_000, "the AUTO Stopped");
    await tiwAction(api, "StopWhiteboardPush", { SdkAppId: sdkAppId, TaskId: userTask });
    await waitFor(() => hasArrived(receiver, userTask, "WhiteboardPushStopped"), 10_000, "the USER_CALL Stopped");
    const burst = await settledBurst(api, 10);

    const faultOf = new Map(burst.deliveries.map((delivery) => [`${delivery.taskId}:${delivery.eventType}`, delivery.fault]));
    const standInTasks = new Set([autoTask, userTask]);
    const valid: ArrivedCallback[] = [];
    const expiredForgeries: ArrivedCallback[] = [];
    for (const arrived of arrivedCallbacks(receiver.arrivals)) {
      const fault = faultOf.get(taskEventKey(arrived.callback));
      // The burst's other forgeries break the signature, the app or the body: no wire-time rule to judge.
      if (standInTasks.has(arrived.callback.EventData.TaskId) || fault === "unknown-fields") valid.push(arrived);
      else if (fault === "expired") expiredForgeries.push(arrived);
    }
    expect(valid.filter(({ callback }) => standInTasks.has(callback.EventData.TaskId))).toHaveLength(4);
    expect(valid.length).toBeGreaterThan(4);
    expect(expiredForgeries.length).toBeGreaterThan(0);

    // The virtual clock runs ahead, so rule 2 does not apply; rule 1 still holds on the wall clock.
    const violations: Violation[] = valid.flatMap((arrived) => [...validEventViolations(arrived, { virtualClockAhead: true }), ...signingRuleViolations(arrived)]);
    expect({ valid: summarise(violations, valid.length), expiredForgeries: summarise(expiredForgeries.flatMap(expiredForgeryViolations), expiredForgeries.length) }).toEqual({
      valid: [],
      expiredForgeries: [],
    });
    expect(burst.deliveries.filter((delivery) => delivery.status === "forged-accepted")).toEqual([]);
  });
});

describe("the MSW handlers with a frozen clock (timeScale 0)", () => {
  const mswServer = setupServer();
  beforeAll(() => mswServer.listen({ onUnhandledFrame: "bypass" }));
  afterEach(() => mswServer.resetHandlers());
  afterAll(() => mswServer.close());

  /** A Cloud API call on Tencent's endpoint, which MSW answers. */
  async function mockedAction(action: string, body: object): Promise<Record<string, unknown>> {
    return tiwAction(tiwEndpoints[0], action, body);
  }

  it("callbacks stay valid on the wall clock whether the frozen clock lags behind it or was advanced past it", async () => {
    const receiver = await recorder({ callbackKey: key, sdkAppId });
    const tiw = createTiwHandlers({ timeScale: 0, retries: 0, sdkAppId, callback: receiver.url, callbackKey: key });
    cleanups.push(() => tiw.api.close());
    mswServer.use(...tiw);
    // The clock froze when the stand-in was made; a test suite keeps running meanwhile. Let the wall
    // clock get ahead of it by more than the one second of slack the rules allow.
    await sleep(2500);

    const laggingTask = (await mockedAction("StartWhiteboardPush", { SdkAppId: sdkAppId, RoomId: 4101, PushUserId: "tic_push_user_4101_01", PushUserSig: "sig" })).TaskId as string;
    // Ends the preparation without moving the clock, so both callbacks happen at the frozen time.
    await kitPost(tiwEndpoints[0], `tasks/${laggingTask}/start`);
    await mockedAction("StopWhiteboardPush", { SdkAppId: sdkAppId, TaskId: laggingTask });
    await tiw.api.settled();
    const behindWallClock = arrivedCallbacks(receiver.arrivals);
    expect(behindWallClock).toHaveLength(2);

    const advancedTask = (await mockedAction("StartWhiteboardPush", { SdkAppId: sdkAppId, RoomId: 4102, PushUserId: "tic_push_user_4102_01", PushUserSig: "sig" })).TaskId as string;
    await kitPost(tiwEndpoints[0], "clock/advance", { seconds: 1 });
    await kitPost(tiwEndpoints[0], "clock/advance", { seconds: 1800 });
    await tiw.api.settled();
    const advanced = arrivedCallbacks(receiver.arrivals).filter(({ callback }) => callback.EventData.TaskId === advancedTask);
    expect(advanced.map(({ callback }) => [callback.EventType, callback.EventType === "WhiteboardPushStopped" ? callback.EventData.FinishReason : ""])).toEqual([
      ["WhiteboardPushStarted", ""],
      ["WhiteboardPushStopped", "AUTO"],
    ]);

    const violations: Violation[] = [
      // A clock behind the wall clock is no clock ahead of it: rule 2 applies.
      ...behindWallClock.flatMap((arrived) => [...validEventViolations(arrived), ...signingRuleViolations(arrived)]),
      ...advanced.flatMap((arrived) => [...validEventViolations(arrived, { virtualClockAhead: true }), ...signingRuleViolations(arrived)]),
    ];
    expect(summarise(violations, behindWallClock.length + advanced.length)).toEqual([]);
  });
});

describe("verify", () => {
  it("sends valid events that satisfy rules 1-3 and are at most 310 s old when they arrive", async () => {
    const receiver = await recorder({ callbackKey: key, sdkAppId });
    const result = await cli(["verify", "--target", receiver.url, "--key", key, "--sdk-app-id", String(sdkAppId), "--level", "strict", "--json"]);

    const authentic = arrivedCallbacks(receiver.arrivals).filter(({ callback }) => isSignedWith(callback, key) && callback.SdkAppId === sdkAppId);
    // rejects-expired signs one callback with an ExpireTime an hour past; nothing else is meant to be expired.
    const deliberatelyExpired = authentic.filter(({ callback, arrivalMs }) => (callback.ExpireTime ?? 0) < Math.floor(arrivalMs / 1000) - 60);
    const valid = authentic.filter((arrived) => !deliberatelyExpired.includes(arrived));
    expect(deliberatelyExpired).toHaveLength(1);
    expect(valid.length).toBeGreaterThan(20);

    // Only the Started of an AUTO task may be old: it precedes its Stopped by AutoStopTimeout >= 300 s.
    const autoTasks = new Set(valid.flatMap(({ callback }) => (callback.EventType === "WhiteboardPushStopped" && callback.EventData.FinishReason === "AUTO" ? [callback.EventData.TaskId] : [])));
    const ageViolations: Violation[] = valid.flatMap(({ callback, arrivalMs }) => {
      const age = Math.floor(arrivalMs / 1000) - callback.Timestamp;
      const autoStarted = callback.EventType === "WhiteboardPushStarted" && autoTasks.has(callback.EventData.TaskId);
      const limit = autoStarted ? 310 : 65;
      const event = `${callback.EventType.replace("WhiteboardPush", "")} ${callback.EventData.TaskId}`;
      return age <= limit ? [] : [{ rule: `arrives at most ${limit} s after its Timestamp${autoStarted ? " (Started of an AUTO task)" : ""}`, event, detail: `arrived ${age} s after its Timestamp`, seconds: age - limit }];
    });
    expect({ rules: validReport(valid), ages: summarise(ageViolations, valid.length) }).toEqual({ rules: [], ages: [] });
    expect(result.code).toBe(0);
  });
});

describe("generate()", () => {
  it("without now: no Timestamp after the wall clock, and with a key an ExpireTime after Timestamp and after the generation moment", () => {
    const before = Date.now();
    const events = generate({ count: 20, seed: "wire-time", callbackKey: key });
    const generatedAt = Date.now();
    const generated = events.map((event) => callbackOf(JSON.stringify(event)));
    expect(generated.filter((callback) => callback === undefined)).toEqual([]);
    const asArrived = generated.flatMap((callback) => (callback ? [{ callback, arrivalMs: generatedAt }] : []));
    expect(asArrived.filter(({ callback }) => !isSignedWith(callback, key)).map(({ callback }) => taskEventKey(callback))).toEqual([]);

    const violations: Violation[] = asArrived.flatMap((arrived) => {
      const { callback } = arrived;
      const expireTime = callback.ExpireTime ?? 0;
      const own: Violation[] = [];
      const event = `${callback.EventType} ${callback.EventData.TaskId}`;
      if (callback.Timestamp > Math.ceil(generatedAt / 1000) + 1) {
        own.push({ rule: "Timestamp <= the wall clock + 1 s", event, detail: `Timestamp ${callback.Timestamp} is ${callback.Timestamp - Math.ceil(generatedAt / 1000)} s ahead`, seconds: callback.Timestamp - Math.ceil(generatedAt / 1000) });
      }
      if (expireTime <= callback.Timestamp) own.push({ rule: "ExpireTime > Timestamp", event, detail: `ExpireTime ${expireTime}, Timestamp ${callback.Timestamp}`, seconds: callback.Timestamp - expireTime + 1 });
      if (expireTime * 1000 <= before) own.push({ rule: "ExpireTime after the generation moment", event, detail: `ExpireTime ${expireTime} is before ${new Date(before).toISOString()}`, seconds: Math.ceil(before / 1000) - expireTime });
      return [...own, ...relationViolations(arrived)];
    });
    expect(summarise(violations, asArrived.length)).toEqual([]);
  });
});

describe("start (npm start)", () => {
  it("a chaos burst through the stand-in a few seconds in: the reference receiver accepts no forgery", async () => {
    const run = liveCommand(["start", "--receiver-port", "0", "--api-port", "0", "--rate", "5", "--journal", freshJournal(), "--api-journal", freshJournal()]);
    await waitFor(() => run.stdout().includes("emitter"), 10_000, "start to print its services");
    const api = /api\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(run.stdout())?.[1] ?? "";
    expect(api).not.toBe("");
    // The stand-in runs at time x30, 29 virtual seconds ahead per real second: after 3 s an expiry
    // taken 60 s before the virtual now would still lie in the wall clock's future.
    await sleep(3000);
    const burst = await settledBurst(api, 10);
    expect(burst.deliveries.map((delivery) => delivery.fault)).toContain("expired");
    expect(burst.deliveries.filter((delivery) => delivery.status === "forged-accepted").map((delivery) => `${delivery.fault} ${delivery.eventType} ${delivery.taskId}`)).toEqual([]);
    expect(burst.deliveries.filter((delivery) => delivery.passed !== true).map((delivery) => `${delivery.fault}: ${delivery.status}`)).toEqual([]);
    run.interrupt();
    expect(await run.exit).toBe(0);
  });
});
