import { expectTypeOf, test } from "vitest";
import type { EventMap, FinishReason, WhiteboardPushEvent, WhiteboardPushStartedEvent, WhiteboardPushStoppedEvent } from "../../src/index.js";
import { verifyCallback } from "../../src/index.js";

test("EventType narrows the union to its event", () => {
  const event = {} as WhiteboardPushEvent;
  if (event.EventType === "WhiteboardPushStopped") {
    expectTypeOf(event).toEqualTypeOf<WhiteboardPushStoppedEvent>();
    expectTypeOf(event.EventData.FinishReason).toEqualTypeOf<FinishReason>();
  } else {
    expectTypeOf(event).toEqualTypeOf<WhiteboardPushStartedEvent>();
    // @ts-expect-error Started events have no FinishReason
    void event.EventData.FinishReason;
  }
});

test("FinishReason is the three documented endings", () => {
  expectTypeOf<FinishReason>().toEqualTypeOf<"AUTO" | "USER_CALL" | "EXCEPTION">();
});

test("EventMap is keyed by EventType", () => {
  expectTypeOf<EventMap["WhiteboardPushStarted"]>().toEqualTypeOf<WhiteboardPushStartedEvent>();
  expectTypeOf<keyof EventMap>().toEqualTypeOf<WhiteboardPushEvent["EventType"]>();
});

test("verifyCallback gives the event only on success", () => {
  const result = verifyCallback("", { callbackKey: "k" });
  if (result.ok) expectTypeOf(result.event).toEqualTypeOf<WhiteboardPushEvent>();
  // @ts-expect-error a failure has no event
  else void result.event;
});
