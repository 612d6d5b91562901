import { TiwApiError } from "../tiw-api-error.js";
import { describe, type PushTask, type PushTasks } from "../push-tasks.js";
import type { Action, RequestOf, ResponseOf } from "../types.js";

/** The callback settings of the app, changed at runtime by the Set actions. */
export interface CallbackSettings {
  callback: string;
  callbackKey: string;
}

export interface ActionContext {
  tasks: PushTasks;
  settings: CallbackSettings;
  settingsChanged(): void;
}

type ActionHandler<A extends Action> = (request: RequestOf<A>, context: ActionContext) => Omit<ResponseOf<A>, "RequestId">;

/** Each action's effect and answer; parameters are already checked against the spec. */
export const actionHandlers: { [A in Action]: ActionHandler<A> } = {
  SetWhiteboardPushCallback(request, context) {
    checkCallbackUrl(request.Callback);
    context.settings.callback = request.Callback;
    context.settingsChanged();
    return {};
  },
  SetWhiteboardPushCallbackKey(request, context) {
    context.settings.callbackKey = request.CallbackKey;
    context.settingsChanged();
    return {};
  },
  DescribeWhiteboardPushCallback(_request, { settings }) {
    return { Callback: settings.callback, CallbackKey: settings.callbackKey };
  },
  StartWhiteboardPush(request, { tasks }) {
    const task = tasks.create({
      sdkAppId: request.SdkAppId,
      roomId: request.RoomId,
      pushUserId: request.PushUserId,
      groupId: request.GroupId,
      autoStopTimeout: request.AutoStopTimeout,
    });
    return { TaskId: task.taskId, Backup: null };
  },
  StopWhiteboardPush(request, { tasks }) {
    const task = existingTask(tasks, request.TaskId);
    if (task.status === "STOPPED") {
      throw new TiwApiError("UnsupportedOperation.TaskHasAlreadyStopped", `The task \`${task.taskId}\` has already stopped.`);
    }
    tasks.stop(task, "USER_CALL");
    return { Backup: null };
  },
  DescribeWhiteboardPush(request, { tasks }) {
    return describe(existingTask(tasks, request.TaskId));
  },
};

function existingTask(tasks: PushTasks, taskId: string): PushTask {
  const task = tasks.get(taskId);
  if (!task) throw new TiwApiError("InvalidParameter.TaskNotFound", `The task \`${taskId}\` does not exist.`);
  return task;
}

/** An http(s) URL, or "" which deletes the setting. */
export function checkCallbackUrl(callback: string): void {
  if (callback === "") return;
  if (!/^https?:\/\//i.test(callback) || !URL.canParse(callback)) {
    throw new TiwApiError("InvalidParameter.CallbackAddressFormatError", `The callback address \`${callback}\` is not an http:// or https:// URL.`);
  }
}
