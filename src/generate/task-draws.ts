import type { FinishReason, WhiteboardPushError } from "../tiw/events.js";
import { createRandom, type Random } from "./random.js";

/*
 * The facts of one generated task, drawn from its own stream of the seed: `generate` places and
 * orders the tasks and makes their events from them.
 */
export const scenarios = ["user-call", "auto", "exception", "mixed"] as const;
export type Scenario = (typeof scenarios)[number];

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

export interface TimelinePlan {
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
export interface TaskDraws {
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
export function drawTiming(random: Random, plan: TimelinePlan, index: number): TaskTiming {
  const spacing = startSpacing(plan);
  const pushStartTime = index * spacing + random.int(0, spacing - 1);
  const ending = plan.scenario === "mixed" ? random.pick(endings) : endingOf[plan.scenario];
  const pushStopTime = pushStartTime + random.int(...durationRange(ending, plan));
  // The callback is produced when the push has stopped, sometimes a second later.
  const stoppedAt = pushStopTime + random.int(0, 1);
  return { ending, pushStartTime, pushStopTime, stoppedAt };
}

/** Draws task `index`'s facts from its own stream of the seed: its timing first, then the rest. */
export function drawTask(plan: TimelinePlan, index: number, runningIds: Set<string>): TaskDraws {
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

/** Mean seconds between task starts: brief tasks start 1 to 5 s apart, the others 1 s to 3 minutes, so their lifetimes overlap. */
export function startSpacing(plan: TimelinePlan): number {
  return plan.brief ? 3 : 90;
}

/** The most seconds from a task's start to its Stopped event, over the endings the scenario has. */
export function longestTask(plan: TimelinePlan): number {
  const scenarioEndings = plan.scenario === "mixed" ? endings : [endingOf[plan.scenario]];
  // The Stopped callback may come a second after the stop.
  return Math.max(...scenarioEndings.map((ending) => durationRange(ending, plan)[1])) + 1;
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
