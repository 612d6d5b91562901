import type { WhiteboardPushEvent } from "../tiw/events.js";
import { callbackIdOf } from "./deliveries.js";
import type { PushTask } from "./push-tasks.js";
import type { KitTask } from "./types.js";

/**
 * A task of an earlier run as the stand-in keeps it again, from its last saved view: one that had
 * stopped stays as it was, read-only (`restored`); the others go on in this run. The journal
 * has the last word: a step that produces a callback is kept by the callback's journal record, and
 * its task's view follows with the next batch, so a kill in between leaves a view a step or two
 * behind. A journaled Started makes a PREPARED view PUSHING, a journaled Stopped makes any view
 * STOPPED, as the callbacks said. `journaled` gives a callback the journal holds by its id.
 */
export function restoredTask(view: KitTask, journaled: (callbackId: string) => WhiteboardPushEvent | undefined): PushTask {
  const { describe } = view;
  const timeline = view.timeline.map((entry) => ({ ...entry }));
  const task: PushTask = {
    taskId: view.taskId,
    sdkAppId: view.sdkAppId,
    roomId: describe.RoomId,
    groupId: describe.GroupId,
    pushUserId: describe.PushUserId,
    autoStopTimeout: view.autoStopTimeout,
    status: describe.Status,
    createdAt: view.createdAt,
    startedAt: timeline.find((entry) => entry.kind === "started")?.at,
    stoppedAt: timeline.find((entry) => entry.kind === "stopped")?.at,
    finishReason: describe.FinishReason,
    exceptionCnt: describe.ExceptionCnt,
    ...(view.error ? { error: view.error } : {}),
    autoStopAt: view.autoStopAt,
    timeline,
  };
  if (task.status === "STOPPED") return { ...task, restored: true };

  const started = journaled(callbackIdOf(task.taskId, "WhiteboardPushStarted"));
  if (task.startedAt === undefined && started?.EventType === "WhiteboardPushStarted") {
    task.status = "PUSHING";
    task.startedAt = started.EventData.PushStartTime * 1000;
    task.autoStopAt = task.startedAt + task.autoStopTimeout * 1000;
    timeline.push({ at: task.startedAt, kind: "started", deliveryId: callbackIdOf(task.taskId, "WhiteboardPushStarted") });
  }
  const stopped = journaled(callbackIdOf(task.taskId, "WhiteboardPushStopped"));
  if (stopped?.EventType === "WhiteboardPushStopped") {
    const data = stopped.EventData;
    task.startedAt ??= data.PushStartTime * 1000;
    task.status = "STOPPED";
    task.stoppedAt = data.PushStopTime * 1000;
    task.autoStopAt = null;
    task.finishReason = data.FinishReason;
    task.exceptionCnt = data.ExceptionCnt;
    if (data.Error) task.error = data.Error;
    timeline.push({ at: task.stoppedAt, kind: "stopped", finishReason: data.FinishReason, deliveryId: callbackIdOf(task.taskId, "WhiteboardPushStopped") });
    // It had stopped: what the run before did, not this one.
    task.restored = true;
  }
  return task;
}

/** The latest moment of a task's history, on the virtual clock of its run. */
export function lastMoment(task: Pick<PushTask, "createdAt" | "timeline">): number {
  return Math.max(task.createdAt, ...task.timeline.map((entry) => entry.at));
}
