import { randomBytes } from "node:crypto";
import type {
  FinishReason,
  WhiteboardPushError,
  WhiteboardPushEvent,
  WhiteboardPushStartedEvent,
  WhiteboardPushStoppedEvent,
} from "../tiw/events.js";
import { withSignature } from "../tiw/signing.js";
import { defaultExpireWindowSeconds, expireTimeAt, unixSeconds } from "../tiw/time-rules.js";
import { autoStopTimeoutRange, defaultAutoStopTimeout, defaultSdkAppId } from "../tiw/defaults.js";
import { MinHeap } from "./min-heap.js";
import { createRandom, type Random } from "./random.js";

export const scenarios = ["user-call", "auto", "exception", "mixed"] as const;
export type Scenario = (typeof scenarios)[number];
/** `realistic`: tasks of minutes to hours; `brief`: the shortest tasks the protocol allows, so no event is old when sent. */
export type Durations = "realistic" | "brief";

export interface GenerateOptions {
  /** Which endings to produce; `mixed` draws one of the three per task (default `mixed`). */
  scenario?: Scenario;
  /** Number of push tasks; each gives a Started and a Stopped (default 1). */
  count?: number;
  /** Same seed and `now` give identical output (default: a fresh seed, see `freshSeed`). */
  seed?: number | string;
  /** Signs every event as if sent at `now`; without it, `ExpireTime` and `Sign` are left out, as TIW does. */
  callbackKey?: string;
  /** Default 1400000001, the SdkAppId of Tencent's examples. */
  sdkAppId?: number;
  /**
   * Unix seconds at which the history ends: the last event's `Timestamp` is this second, every
   * other one is earlier (default: the wall clock, so nothing lies in the future).
   */
  now?: number;
  /** Seconds from signing (`now`) to `ExpireTime` (default 300; Tencent does not document its window). */
  expireWindowSeconds?: number;
  /** The task's `AutoStopTimeout`, [300, 259200] (default 1800, as TIW's). */
  autoStopTimeout?: number;
  /** How long tasks last and how far apart they start (default `realistic`). */
  durations?: Durations;
}

const maxRoomId = 4294967294;
const taskIdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
const endingOf: Record<Exclude<Scenario, "mixed">, FinishReason> = {
  "user-call": "USER_CALL",
  auto: "AUTO",
  exception: "EXCEPTION",
};
const pushErrors: readonly WhiteboardPushError[] = [
  { Code: "FailedOperation.Record", Message: "Recording failed: the recording service stopped receiving the whiteboard stream" },
  { Code: "FailedOperation.Record", Message: "Recording failed: the cloud recording task exited unexpectedly" },
  { Code: "FailedOperation.WhiteboardPush", Message: "Whiteboard push failed: the push user was removed from the TRTC room" },
  { Code: "FailedOperation.WhiteboardPush", Message: "Whiteboard push failed: the whiteboard page could not be loaded" },
];

/**
 * Realistic, deterministic callback sequences: per task a `WhiteboardPushStarted` then its
 * `WhiteboardPushStopped`, all tasks merged in the order TIW would send them.
 *
 * @example
 * const events = generate({ scenario: "mixed", count: 10, seed: 7, callbackKey: "my-key" });
 */
export function generate(options: GenerateOptions = {}): WhiteboardPushEvent[] {
  return [...generateEvents(options)];
}

/**
 * `generate` as a stream: the same events in the same order, made one at a time, so a history of
 * millions of tasks takes no more memory than one of ten. Options are checked on the call, before
 * the first event. Iterating twice gives the same events.
 *
 * @example
 * for (const event of generateEvents({ count: 1_000_000, seed: 7 })) output.write(JSON.stringify(event) + "\n");
 */
export function generateEvents(options: GenerateOptions = {}): Iterable<WhiteboardPushEvent> {
  const seed = options.seed ?? freshSeed();
  const count = options.count ?? 1;
  const end = options.now ?? unixSeconds(Date.now());
  const autoStopTimeout = options.autoStopTimeout ?? defaultAutoStopTimeout;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`tiw-push-kit: count must be a whole number >= 0, got ${count}`);
  const [minTimeout, maxTimeout] = autoStopTimeoutRange;
  if (!Number.isInteger(autoStopTimeout) || autoStopTimeout < minTimeout || autoStopTimeout > maxTimeout) {
    throw new RangeError(`tiw-push-kit: autoStopTimeout must be a whole number in [${minTimeout}, ${maxTimeout}], got ${autoStopTimeout}`);
  }
  const plan: TimelinePlan = {
    seed,
    count,
    scenario: options.scenario ?? "mixed",
    autoStopTimeout,
    brief: options.durations === "brief",
    sdkAppId: options.sdkAppId ?? defaultSdkAppId,
  };
  const key = options.callbackKey;
  const window = options.expireWindowSeconds ?? defaultExpireWindowSeconds;
  return {
    *[Symbol.iterator]() {
      // The history must end at `end`: a first pass over the same seed, from second 0, finds its
      // length; the second starts that much earlier and yields.
      let last = 0;
      for (const event of timeline(plan, 0)) last = event.Timestamp;
      for (const event of timeline(plan, end - last)) {
        yield key === undefined ? event : withSignature(event, key, expireTimeAt(event.Timestamp, end, window));
      }
    },
  };
}

interface TimelinePlan {
  seed: number | string;
  count: number;
  scenario: Scenario;
  autoStopTimeout: number;
  brief: boolean;
  sdkAppId: number;
}

/**
 * The events from second `origin` in delivery order: by `Timestamp`, ties in task order with a task's
 * Started before its Stopped. Started events come in start order; each Stopped waits in a min-heap
 * until no earlier event can follow, so memory holds only the tasks running at once.
 */
function* timeline(plan: TimelinePlan, origin: number): Generator<WhiteboardPushEvent> {
  const random = createRandom(plan.seed);
  const pending = new MinHeap<PendingStop>((a, b) => a.event.Timestamp - b.event.Timestamp || a.task - b.task);
  const runningIds = new Set<string>();
  const release = function* (until: number): Generator<WhiteboardPushEvent> {
    for (let next = pending.peek(); next !== undefined && next.event.Timestamp <= until; next = pending.peek()) {
      pending.pop();
      runningIds.delete(next.event.EventData.TaskId);
      yield next.event;
    }
  };
  let nextStart = origin;
  for (let i = 0; i < plan.count; i++) {
    const ending = plan.scenario === "mixed" ? random.pick(["USER_CALL", "AUTO", "EXCEPTION"] as const) : endingOf[plan.scenario];
    const taskId = uniqueTaskId(random, runningIds);
    const [started, stopped] = task(random, { taskId, ending, pushStartTime: nextStart, autoStopTimeout: plan.autoStopTimeout, brief: plan.brief, sdkAppId: plan.sdkAppId });
    yield* release(started.Timestamp);
    yield started;
    pending.push({ event: stopped, task: i });
    // Tasks begin a few seconds to a few minutes apart, so their lifetimes overlap.
    nextStart += plan.brief ? random.int(1, 5) : random.int(1, 180);
  }
  yield* release(Infinity);
}

interface PendingStop {
  event: WhiteboardPushStoppedEvent;
  task: number;
}

/**
 * A seed for a run that was given none: different every run, short enough to print and pass back
 * with `--seed` to replay the run exactly.
 */
export function freshSeed(): string {
  return randomBytes(4).toString("hex");
}

interface TaskPlan {
  taskId: string;
  ending: FinishReason;
  pushStartTime: number;
  autoStopTimeout: number;
  brief: boolean;
  sdkAppId: number;
}

function task(random: Random, plan: TaskPlan): [WhiteboardPushStartedEvent, WhiteboardPushStoppedEvent] {
  const roomId = roomIdOf(random);
  const pushUserId = `tic_push_user_${roomId}_${random.pick(["01", "02", "03", "test-01", "rec", "bot"])}`;
  const { pushStartTime, ending } = plan;
  const pushStopTime = pushStartTime + durationOf(random, plan);
  const exceptionCnt = ending === "EXCEPTION" ? random.int(1, 6) : random.chance(0.1) ? random.int(1, 2) : 0;
  const started: WhiteboardPushStartedEvent = {
    EventType: "WhiteboardPushStarted",
    EventData: { TaskId: plan.taskId, RoomId: roomId, PushUserId: pushUserId, PushStartTime: pushStartTime },
    SdkAppId: plan.sdkAppId,
    Timestamp: pushStartTime,
  };
  const stopped: WhiteboardPushStoppedEvent = {
    EventType: "WhiteboardPushStopped",
    EventData: {
      TaskId: plan.taskId,
      RoomId: roomId,
      GroupId: String(roomId),
      PushUserId: pushUserId,
      FinishReason: ending,
      PushStartTime: pushStartTime,
      PushStopTime: pushStopTime,
      // The first frame reaches IM at or just after the push starts.
      IMSyncTime: pushStartTime + random.int(0, 2),
      ExceptionCnt: exceptionCnt,
      ...(ending === "EXCEPTION" ? { Error: random.pick(pushErrors) } : {}),
    },
    SdkAppId: plan.sdkAppId,
    // The callback is produced when the push has stopped, sometimes a second later.
    Timestamp: pushStopTime + random.int(0, 1),
  };
  return [started, stopped];
}

function durationOf(random: Random, plan: TaskPlan): number {
  switch (plan.ending) {
    case "USER_CALL":
      return plan.brief ? random.int(30, 60) : random.int(30, 2 * 3600);
    case "AUTO": {
      // Active for a while, then idle for AutoStopTimeout seconds before TIW stops the push.
      const activeSeconds = plan.brief ? 0 : random.int(0, 3600);
      return activeSeconds + plan.autoStopTimeout + random.int(0, 5);
    }
    case "EXCEPTION":
      return plan.brief ? random.int(3, 30) : random.int(3, 3600);
  }
}

/** Room ids of real apps are mostly short; draw the digit count first so all lengths occur. */
function roomIdOf(random: Random): number {
  const digits = random.int(3, 10);
  return random.int(10 ** (digits - 1), Math.min(10 ** digits - 1, maxRoomId));
}

/** Unique among the tasks running at once; 20 characters of 36 make a repeat otherwise vanishingly rare. */
function uniqueTaskId(random: Random, seen: Set<string>): string {
  for (;;) {
    let id = "";
    for (let i = 0; i < 20; i++) id += taskIdAlphabet[random.int(0, taskIdAlphabet.length - 1)];
    if (!seen.has(id)) {
      seen.add(id);
      return id;
    }
  }
}
