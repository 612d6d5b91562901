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
  const random = createRandom(options.seed ?? freshSeed());
  const count = options.count ?? 1;
  const end = options.now ?? unixSeconds(Date.now());
  const autoStopTimeout = options.autoStopTimeout ?? defaultAutoStopTimeout;
  const brief = options.durations === "brief";
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`tiw-push-kit: count must be a whole number >= 0, got ${count}`);
  const [minTimeout, maxTimeout] = autoStopTimeoutRange;
  if (!Number.isInteger(autoStopTimeout) || autoStopTimeout < minTimeout || autoStopTimeout > maxTimeout) {
    throw new RangeError(`tiw-push-kit: autoStopTimeout must be a whole number in [${minTimeout}, ${maxTimeout}], got ${autoStopTimeout}`);
  }

  const taskIds = new Set<string>();
  const events: WhiteboardPushEvent[] = [];
  const scenario = options.scenario ?? "mixed";
  // Drawn from second 0, then moved so that the history ends at `end`.
  let nextStart = 0;
  for (let i = 0; i < count; i++) {
    const ending = scenario === "mixed" ? random.pick(["USER_CALL", "AUTO", "EXCEPTION"] as const) : endingOf[scenario];
    const taskId = uniqueTaskId(random, taskIds);
    events.push(...task(random, { taskId, ending, pushStartTime: nextStart, autoStopTimeout, brief, sdkAppId: options.sdkAppId ?? defaultSdkAppId }));
    // Tasks begin a few seconds to a few minutes apart, so their lifetimes overlap.
    nextStart += brief ? random.int(1, 5) : random.int(1, 180);
  }
  // Stable sort: events of the same second keep Started-before-Stopped.
  events.sort((a, b) => a.Timestamp - b.Timestamp);
  const shift = end - (events.at(-1)?.Timestamp ?? 0);
  const key = options.callbackKey;
  const window = options.expireWindowSeconds ?? defaultExpireWindowSeconds;
  return events.map((event) => {
    const moved = shifted(event, shift);
    return key === undefined ? moved : withSignature(moved, key, expireTimeAt(moved.Timestamp, end, window));
  });
}

/**
 * A seed for a run that was given none: different every run, short enough to print and pass back
 * with `--seed` to replay the run exactly.
 */
export function freshSeed(): string {
  return randomBytes(4).toString("hex");
}

/** The event with every time field moved by `seconds`: the relations between them stay. */
function shifted<E extends WhiteboardPushEvent>(event: E, seconds: number): E {
  const data = event.EventData;
  const times =
    "PushStopTime" in data
      ? { PushStartTime: data.PushStartTime + seconds, PushStopTime: data.PushStopTime + seconds, IMSyncTime: data.IMSyncTime + seconds }
      : { PushStartTime: data.PushStartTime + seconds };
  return { ...event, EventData: { ...data, ...times }, Timestamp: event.Timestamp + seconds };
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
