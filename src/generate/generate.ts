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
const taskIdCodes = new Array<number>(20).fill(0);
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
      // The history must end at `end`: its length, found from the few tasks that can end last, says
      // how much earlier than `end` it starts.
      const origin = end - historyLength(plan);
      for (const task of schedule(plan)) {
        const event = task.sent === "started" ? startedEvent(task, origin, plan.sdkAppId) : stoppedEvent(task, origin, plan.sdkAppId);
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
 * A task's random draws, its times counted from second 0. Events are made from it only as they are
 * sent: a task waiting for its stop holds a few numbers, not an event.
 */
interface TaskDraws {
  /** Position in start order: ties in `Timestamp` go in task order. */
  index: number;
  taskId: string;
  roomId: number;
  pushUserSuffix: string;
  ending: FinishReason;
  pushStartTime: number;
  pushStopTime: number;
  imSyncTime: number;
  exceptionCnt: number;
  error: WhiteboardPushError | undefined;
  /** `Timestamp` of the Stopped event. */
  stoppedAt: number;
  /** Which of its two events `schedule` yields it for. */
  sent: "started" | "stopped";
}

/**
 * The tasks in delivery order, each yielded twice: at its start, then at its stop. Delivery order is
 * by `Timestamp`, ties in task order with a task's Started before its Stopped. Started events come
 * in start order; each task waits in a min-heap for its stop until no earlier event can follow, so
 * memory holds only the tasks running at once.
 */
function* schedule(plan: TimelinePlan): Generator<TaskDraws> {
  const pending = new MinHeap<TaskDraws>((a, b) => a.stoppedAt - b.stoppedAt || a.index - b.index);
  const runningIds = new Set<string>();
  for (let index = 0; index <= plan.count; index++) {
    const task = index < plan.count ? drawTask(plan, index, runningIds) : undefined;
    const until = task === undefined ? Infinity : task.pushStartTime;
    for (let next = pending.peek(); next !== undefined && next.stoppedAt <= until; next = pending.peek()) {
      pending.pop();
      runningIds.delete(next.taskId);
      next.sent = "stopped";
      yield next;
    }
    if (task === undefined) return;
    yield task;
    pending.push(task);
  }
}

/**
 * Seconds from the first task's start to the history's last event. Task N starts at N spacings
 * plus less than one, so only the tasks that start within the longest task's length of the last
 * one can end last: those are drawn, the others not, however many there are.
 */
function historyLength(plan: TimelinePlan): number {
  const spacing = startSpacing(plan);
  const longest = longestTask(plan);
  let last = 0;
  for (let index = plan.count - 1; index >= 0 && index * spacing + spacing - 1 + longest >= last; index--) {
    last = Math.max(last, drawTiming(createRandom(plan.seed, index), plan, index).stoppedAt);
  }
  return last;
}

/** Mean seconds between task starts: brief tasks start 1 to 5 s apart, the others 1 s to 3 minutes, so their lifetimes overlap. */
function startSpacing(plan: TimelinePlan): number {
  return plan.brief ? 3 : 90;
}

/** The most seconds from a task's start to its Stopped event, over the endings the scenario has. */
function longestTask(plan: TimelinePlan): number {
  const scenarioEndings = plan.scenario === "mixed" ? endings : [endingOf[plan.scenario]];
  // The Stopped callback may come a second after the stop.
  return Math.max(...scenarioEndings.map((ending) => durationRange(ending, plan)[1])) + 1;
}

/**
 * A seed for a run that was given none: different every run, short enough to print and pass back
 * with `--seed` to replay the run exactly.
 */
export function freshSeed(): string {
  return randomBytes(4).toString("hex");
}

const endings = ["USER_CALL", "AUTO", "EXCEPTION"] as const;
const pushUserSuffixes = ["01", "02", "03", "test-01", "rec", "bot"] as const;

interface TaskTiming {
  ending: FinishReason;
  pushStartTime: number;
  pushStopTime: number;
  /** `Timestamp` of the Stopped event. */
  stoppedAt: number;
}

/**
 * When task `index` starts and stops: the first draws of its own random stream, so that they can be
 * had without drawing anything else. Task N starts N spacings from second 0, plus less than one.
 */
function drawTiming(random: Random, plan: TimelinePlan, index: number): TaskTiming {
  const spacing = startSpacing(plan);
  const pushStartTime = index * spacing + random.int(0, spacing - 1);
  const ending = plan.scenario === "mixed" ? random.pick(endings) : endingOf[plan.scenario];
  const pushStopTime = pushStartTime + random.int(...durationRange(ending, plan));
  // The callback is produced when the push has stopped, sometimes a second later.
  const stoppedAt = pushStopTime + random.int(0, 1);
  return { ending, pushStartTime, pushStopTime, stoppedAt };
}

/** Draws task `index`'s facts from its own stream of the seed: its timing first, then the rest. */
function drawTask(plan: TimelinePlan, index: number, runningIds: Set<string>): TaskDraws {
  const random = createRandom(plan.seed, index);
  const { ending, pushStartTime, pushStopTime, stoppedAt } = drawTiming(random, plan, index);
  const taskId = uniqueTaskId(random, runningIds);
  const roomId = roomIdOf(random);
  const pushUserSuffix = random.pick(pushUserSuffixes);
  const exceptionCnt = ending === "EXCEPTION" ? random.int(1, 6) : random.chance(0.1) ? random.int(1, 2) : 0;
  // The first frame reaches IM at or just after the push starts.
  const imSyncTime = pushStartTime + random.int(0, 2);
  const error = ending === "EXCEPTION" ? random.pick(pushErrors) : undefined;
  return { index, taskId, roomId, pushUserSuffix, ending, pushStartTime, pushStopTime, imSyncTime, exceptionCnt, error, stoppedAt, sent: "started" };
}

/**
 * The room id as text. `toFixed(0)`, not `String()`: V8 keeps what `String()` makes in its
 * number-to-string cache, so each room's text outlived the young generation, and a million tasks
 * left a hundred megabytes of it for the full collector. The digits are the same for these integers.
 */
function roomText(task: TaskDraws): string {
  return task.roomId.toFixed(0);
}

function startedEvent(task: TaskDraws, origin: number, sdkAppId: number): WhiteboardPushStartedEvent {
  const pushStartTime = origin + task.pushStartTime;
  return {
    EventType: "WhiteboardPushStarted",
    EventData: { TaskId: task.taskId, RoomId: task.roomId, PushUserId: `tic_push_user_${roomText(task)}_${task.pushUserSuffix}`, PushStartTime: pushStartTime },
    SdkAppId: sdkAppId,
    Timestamp: pushStartTime,
  };
}

function stoppedEvent(task: TaskDraws, origin: number, sdkAppId: number): WhiteboardPushStoppedEvent {
  return {
    EventType: "WhiteboardPushStopped",
    EventData: {
      TaskId: task.taskId,
      RoomId: task.roomId,
      GroupId: roomText(task),
      PushUserId: `tic_push_user_${roomText(task)}_${task.pushUserSuffix}`,
      FinishReason: task.ending,
      PushStartTime: origin + task.pushStartTime,
      PushStopTime: origin + task.pushStopTime,
      IMSyncTime: origin + task.imSyncTime,
      ExceptionCnt: task.exceptionCnt,
      ...(task.error !== undefined ? { Error: task.error } : {}),
    },
    SdkAppId: sdkAppId,
    Timestamp: origin + task.stoppedAt,
  };
}

/** The shortest and longest a push lasts, in seconds, by how it ends. */
function durationRange(ending: FinishReason, plan: TimelinePlan): [number, number] {
  switch (ending) {
    case "USER_CALL":
      return plan.brief ? [30, 60] : [30, 2 * 3600];
    case "AUTO":
      // Active for a while (up to an hour), then idle for AutoStopTimeout seconds before TIW stops the push, a few seconds late.
      return [plan.autoStopTimeout, plan.autoStopTimeout + (plan.brief ? 0 : 3600) + 5];
    case "EXCEPTION":
      return plan.brief ? [3, 30] : [3, 3600];
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
    // One string from 20 codes, not 20 concatenations that each make a string.
    for (let i = 0; i < taskIdCodes.length; i++) taskIdCodes[i] = taskIdAlphabet.charCodeAt(random.int(0, taskIdAlphabet.length - 1));
    const id = String.fromCharCode(...taskIdCodes);
    if (!seen.has(id)) {
      seen.add(id);
      return id;
    }
  }
}
