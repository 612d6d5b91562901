import type { components } from "../generated/api.js";

type Schemas = components["schemas"];

/** The whiteboard push actions of the Cloud API, named by the `X-TC-Action` header. */
export type Action = Schemas["Action"];
/** The request body of `action`, as the spec defines it. */
export type RequestOf<A extends Action> = Schemas[`${A}Request`];
/** The fields of `Response` for `action`, as the spec defines them. */
export type ResponseOf<A extends Action> = Schemas[`${A}Response`];
export type TaskStatus = Schemas["TaskStatus"];
export type ApiError = Schemas["ApiError"];

export type KitSettings = Schemas["KitSettings"];
export type KitClock = Schemas["KitClock"];
export type KitTask = Schemas["KitTask"];
export type KitDescribe = Schemas["KitDescribe"];
export type KitTimelineEntry = Schemas["KitTimelineEntry"];
export type KitDelivery = Schemas["KitDelivery"];
export type KitApiCall = Schemas["KitApiCall"];
export type KitAttempt = Schemas["KitAttempt"];
export type KitChange = Schemas["KitChange"];
export type KitProblem = Schemas["KitProblem"];
export type KitExceptionRequest = Schemas["KitExceptionRequest"];
export type KitAdvanceRequest = Schemas["KitAdvanceRequest"];
export type KitNewTask = Schemas["KitNewTask"];
export type KitFault = Schemas["KitFault"];
export type KitChaosRequest = Schemas["KitChaosRequest"];
export type KitChaosBurst = Schemas["KitChaosBurst"];
export type KitChaosDelivery = Schemas["KitChaosDelivery"];
export type KitPayload = Schemas["KitPayload"];
export type KitSignatureCheck = Schemas["KitSignatureCheck"];

// A record, not a list, so that the compiler rejects a spec action missing here.
const actionNames: Record<Action, true> = {
  SetWhiteboardPushCallback: true,
  SetWhiteboardPushCallbackKey: true,
  DescribeWhiteboardPushCallback: true,
  StartWhiteboardPush: true,
  StopWhiteboardPush: true,
  DescribeWhiteboardPush: true,
};
export const actions = Object.keys(actionNames) as Action[];

/** The `X-TC-Version` of TIW's API. */
export const apiVersion = "2019-09-19";

export function isAction(value: string): value is Action {
  return Object.hasOwn(actionNames, value);
}
