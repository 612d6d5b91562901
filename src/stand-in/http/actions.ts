import { mask } from "../mask.js";
import type { StandIn } from "../stand-in-types.js";
import type { Action, RequestOf, ResponseOf } from "../types.js";

/** What an action runs on, and whether its caller may read secrets (authenticated with TC3, or the user opted in). */
export interface ActionContext {
  standIn: StandIn;
  revealSecrets: boolean;
}

type ActionHandler<A extends Action> = (request: RequestOf<A>, context: ActionContext) => Omit<ResponseOf<A>, "RequestId">;

/** Each action's effect and answer; parameters are already checked against the spec. */
export const actionHandlers: { [A in Action]: ActionHandler<A> } = {
  SetWhiteboardPushCallback(request, { standIn }) {
    standIn.setCallback(request.Callback);
    return {};
  },
  SetWhiteboardPushCallbackKey(request, { standIn }) {
    standIn.setCallbackKey(request.CallbackKey);
    return {};
  },
  DescribeWhiteboardPushCallback(_request, { standIn, revealSecrets }) {
    const { Callback, CallbackKey } = standIn.callbackSettings();
    return { Callback, CallbackKey: revealSecrets ? CallbackKey : mask(CallbackKey) };
  },
  StartWhiteboardPush: (request, { standIn }) => ({ TaskId: standIn.startPush(request), Backup: null }),
  StopWhiteboardPush(request, { standIn }) {
    standIn.stopPush(request.TaskId);
    return { Backup: null };
  },
  DescribeWhiteboardPush: (request, { standIn }) => standIn.describePush(request.TaskId),
};
