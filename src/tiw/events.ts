import type { components } from "../generated/callbacks.js";

type Schemas = components["schemas"];

export type WhiteboardPushStartedEvent = Schemas["WhiteboardPushStarted"];
export type WhiteboardPushStoppedEvent = Schemas["WhiteboardPushStopped"];
/** Any whiteboard push callback body; narrow it with `EventType`. */
export type WhiteboardPushEvent = WhiteboardPushStartedEvent | WhiteboardPushStoppedEvent;
export type WhiteboardPushStartedData = Schemas["WhiteboardPushStartedData"];
export type WhiteboardPushStoppedData = Schemas["WhiteboardPushStoppedData"];
export type WhiteboardPushError = Schemas["WhiteboardPushError"];
export type FinishReason = Schemas["FinishReason"];
export type CallbackAck = Schemas["CallbackAck"];
export type EventType = WhiteboardPushEvent["EventType"];

/** Maps each `EventType` to its callback body, for typed `on(eventType, handler)` APIs. */
export interface EventMap {
  WhiteboardPushStarted: WhiteboardPushStartedEvent;
  WhiteboardPushStopped: WhiteboardPushStoppedEvent;
}
