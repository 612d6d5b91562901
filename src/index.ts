export { sign, verify, withSignature } from "./signing/signing.js";
export { verifyCallback, defaultMaxBodyBytes } from "./receiver/verify-callback.js";
export { validateEvent, isEventType, eventTypes } from "./spec/validation.js";
export {
  generate,
  scenarios,
  defaultSdkAppId,
  defaultExpireWindowSeconds,
  defaultAutoStopTimeout,
  autoStopTimeoutRange,
} from "./generate/generate.js";
export { createRandom } from "./generate/random.js";

export type {
  WhiteboardPushEvent,
  WhiteboardPushStartedEvent,
  WhiteboardPushStoppedEvent,
  WhiteboardPushStartedData,
  WhiteboardPushStoppedData,
  WhiteboardPushError,
  FinishReason,
  CallbackAck,
  EventType,
  EventMap,
} from "./events.js";
export type { VerifyOptions, VerifyResult, VerifyFailure, VerifyFailureReason } from "./receiver/verify-callback.js";
export type { SchemaIssue, SchemaResult } from "./spec/validation.js";
export type { GenerateOptions, Scenario } from "./generate/generate.js";
export type { Random } from "./generate/random.js";
