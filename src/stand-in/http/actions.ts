import type { StandIn } from "../stand-in.js";
import type { Action, RequestOf, ResponseOf } from "../types.js";

type ActionHandler<A extends Action> = (request: RequestOf<A>, standIn: StandIn) => Omit<ResponseOf<A>, "RequestId">;

/** Each action's effect and answer; parameters are already checked against the spec. */
export const actionHandlers: { [A in Action]: ActionHandler<A> } = {
  SetWhiteboardPushCallback(request, standIn) {
    standIn.setCallback(request.Callback);
    return {};
  },
  SetWhiteboardPushCallbackKey(request, standIn) {
    standIn.setCallbackKey(request.CallbackKey);
    return {};
  },
  DescribeWhiteboardPushCallback: (_request, standIn) => standIn.callbackSettings(),
  StartWhiteboardPush: (request, standIn) => ({ TaskId: standIn.startPush(request), Backup: null }),
  StopWhiteboardPush(request, standIn) {
    standIn.stopPush(request.TaskId);
    return { Backup: null };
  },
  DescribeWhiteboardPush: (request, standIn) => standIn.describePush(request.TaskId),
};
