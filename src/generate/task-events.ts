import type { FinishReason, WhiteboardPushError, WhiteboardPushStartedEvent, WhiteboardPushStoppedEvent } from "../tiw/events.js";
import { defaultAutoStopTimeout } from "../tiw/defaults.js";
import { unixSeconds } from "../tiw/time-rules.js";
import { generate, type Scenario } from "./generate.js";

/** What the caller fixes of one task; everything else is generated, realistic and consistent. */
export interface TaskOverrides {
  taskId?: string;
  roomId?: number;
  pushUserId?: string;
  groupId?: string;
  finishReason?: FinishReason;
  /** Only with `EXCEPTION`; the message defaults to a realistic one for the code. */
  errorCode?: string;
  errorMessage?: string;
  exceptionCnt?: number;
  pushStartTime?: number;
  pushStopTime?: number;
  sdkAppId?: number;
  autoStopTimeout?: number;
}

export interface TaskEventsOptions {
  seed?: number | string;
  /** Unix seconds at which the task's history ends (default the wall clock): no time may lie after it. */
  now?: number;
}

/** One push task's two callbacks. */
export interface TaskEvents {
  started: WhiteboardPushStartedEvent;
  stopped: WhiteboardPushStoppedEvent;
}

const scenarioOf: Record<FinishReason, Scenario> = { USER_CALL: "user-call", AUTO: "auto", EXCEPTION: "exception" };

/**
 * One task, generated as `generate` does and then given the fields the caller fixed, with the
 * relations that tie them kept: `GroupId` and `PushUserId` follow a given `RoomId`, `Timestamp`s
 * follow the push times, `IMSyncTime` stays at the start. Throws a `RangeError` for a combination
 * TIW would never send (an error on a task that did not end in EXCEPTION, a stop before the start,
 * an AUTO task shorter than its AutoStopTimeout, a time after `now`).
 *
 * @example
 * const { stopped } = taskEvents({ finishReason: "EXCEPTION", errorCode: "FailedOperation.WhiteboardPush", taskId: "t1" });
 */
export function taskEvents(overrides: TaskOverrides = {}, options: TaskEventsOptions = {}): TaskEvents {
  const finishReason = overrides.finishReason ?? "USER_CALL";
  const now = options.now ?? unixSeconds(Date.now());
  const invalid = (message: string): never => {
    throw new RangeError(`tiw-push-kit: ${message}`);
  };
  if ((overrides.errorCode ?? overrides.errorMessage) !== undefined && finishReason !== "EXCEPTION") invalid("an error belongs to a task that ended with EXCEPTION");
  if (finishReason === "EXCEPTION" && overrides.exceptionCnt !== undefined && overrides.exceptionCnt < 1) invalid("a task that ended with EXCEPTION counts at least one exception");
  const [generatedStarted, generatedStopped] = generate({
    scenario: scenarioOf[finishReason],
    count: 1,
    now,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(overrides.sdkAppId !== undefined ? { sdkAppId: overrides.sdkAppId } : {}),
    ...(overrides.autoStopTimeout !== undefined ? { autoStopTimeout: overrides.autoStopTimeout } : {}),
  }) as [WhiteboardPushStartedEvent, WhiteboardPushStoppedEvent];
  const generated = generatedStopped.EventData;

  const roomId = overrides.roomId ?? generated.RoomId;
  const roomChanged = overrides.roomId !== undefined && overrides.roomId !== generated.RoomId;
  const pushUserId = overrides.pushUserId ?? (roomChanged ? `tic_push_user_${roomId}_01` : generated.PushUserId);
  const groupId = overrides.groupId ?? String(roomId);
  const length = generated.PushStopTime - generated.PushStartTime;
  // A time given for one end moves the other with it, so the task keeps a realistic length.
  const pushStopTime = overrides.pushStopTime ?? (overrides.pushStartTime !== undefined ? Math.min(now, overrides.pushStartTime + length) : generated.PushStopTime);
  const pushStartTime = overrides.pushStartTime ?? pushStopTime - length;
  const autoStopTimeout = overrides.autoStopTimeout ?? defaultAutoStopTimeout;
  if (pushStopTime < pushStartTime) invalid(`PushStopTime ${pushStopTime} is before PushStartTime ${pushStartTime}`);
  if (pushStopTime > now) invalid(`PushStopTime ${pushStopTime} lies after now (${now}): a callback from the future`);
  if (finishReason === "AUTO" && pushStopTime - pushStartTime < autoStopTimeout) {
    invalid(`an AUTO task lasts at least its AutoStopTimeout (${autoStopTimeout} s), this one ${pushStopTime - pushStartTime} s`);
  }
  const error: WhiteboardPushError | undefined =
    finishReason === "EXCEPTION"
      ? { Code: overrides.errorCode ?? generated.Error?.Code ?? "FailedOperation.WhiteboardPush", Message: overrides.errorMessage ?? generated.Error?.Message ?? "Whiteboard push failed" }
      : undefined;
  const imSyncDelay = generated.IMSyncTime - generated.PushStartTime;
  const taskId = overrides.taskId ?? generated.TaskId;

  const started: WhiteboardPushStartedEvent = {
    ...generatedStarted,
    EventData: { TaskId: taskId, RoomId: roomId, PushUserId: pushUserId, PushStartTime: pushStartTime },
    Timestamp: pushStartTime,
  };
  const stopped: WhiteboardPushStoppedEvent = {
    ...generatedStopped,
    EventData: {
      TaskId: taskId,
      RoomId: roomId,
      GroupId: groupId,
      PushUserId: pushUserId,
      FinishReason: finishReason,
      PushStartTime: pushStartTime,
      PushStopTime: pushStopTime,
      IMSyncTime: Math.min(pushStartTime + imSyncDelay, pushStopTime),
      ExceptionCnt: overrides.exceptionCnt ?? (finishReason === "EXCEPTION" ? Math.max(1, generated.ExceptionCnt) : generated.ExceptionCnt),
      ...(error ? { Error: error } : {}),
    },
    Timestamp: pushStopTime,
  };
  return { started, stopped };
}
