import { randomBytes } from "node:crypto";
import type {
  WhiteboardPushEvent,
  WhiteboardPushStartedEvent,
  WhiteboardPushStoppedEvent,
} from "../tiw/events.js";
import { withSignature } from "../tiw/signing.js";
import { defaultExpireWindowSeconds, expireTimeAt, unixSeconds } from "../tiw/time-rules.js";
import { autoStopTimeoutRange, defaultAutoStopTimeout, defaultSdkAppId } from "../tiw/defaults.js";
import { MinHeap } from "./min-heap.js";
import { drawTask, drawTiming, longestTask, startSpacing, type Scenario, type TaskDraws, type TimelinePlan } from "./task-draws.js";
import { createRandom } from "./random.js";

export { scenarios, type Scenario } from "./task-draws.js";
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

/**
 * A seed for a run that was given none: different every run, short enough to print and pass back
 * with `--seed` to replay the run exactly.
 */
export function freshSeed(): string {
  return randomBytes(4).toString("hex");
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

