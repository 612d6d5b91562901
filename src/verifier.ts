/**
 * `tiw-push-kit/verifier`: what a receiver needs to check TIW's callbacks, and nothing else. It
 * imports no `node:` module but `node:crypto` (for MD5, which WebCrypto lacks) and reads no file,
 * so it bundles into one file for a serverless function and runs on Node, Bun and Deno.
 */
export { verifyCallback, createVerifier, defaultMaxBodyBytes, defaultMaxDepth } from "./receiver/verify-callback.js";
export { sign, verify, withSignature } from "./tiw/signing.js";
export { validateEvent, isEventType, eventTypes } from "./spec/validation.js";

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
} from "./tiw/events.js";
export type { VerifyOptions, VerifierOptions, VerifyResult, VerifyFailure, VerifyFailureReason } from "./receiver/verify-callback.js";
export type { SchemaIssue, SchemaResult } from "./spec/validation.js";
