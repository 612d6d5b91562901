import { describe, expect, it } from "vitest";
import { validateEvent } from "../../src/spec/validation.js";
import { generate } from "../../src/generate/generate.js";

const [started, stopped] = generate({ count: 1, seed: 11, scenario: "exception", now: 1700000000, callbackKey: "k" });
if (!started || !stopped) throw new Error("generator gave no events");
const clone = <T>(value: T): T => structuredClone(value);

describe("validateEvent", () => {
  it("accepts generated events of both types", () => {
    expect(validateEvent(started)).toMatchObject({ ok: true });
    expect(validateEvent(stopped)).toMatchObject({ ok: true });
  });

  it("allows unknown extra fields at envelope and EventData level", () => {
    const body = { ...clone(stopped), NewEnvelopeField: { nested: true }, EventData: { ...stopped.EventData, NewDataField: 1 } };
    expect(validateEvent(body)).toMatchObject({ ok: true });
  });

  it("locates a missing required field by JSON pointer", () => {
    const body: Record<string, unknown> = clone(stopped);
    delete (body.EventData as Record<string, unknown>).FinishReason;
    delete body.SdkAppId;
    const result = validateEvent(body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual(
      expect.arrayContaining([
        { pointer: "/EventData/FinishReason", message: "is required but missing" },
        { pointer: "/SdkAppId", message: "is required but missing" },
      ]),
    );
  });

  it.each([
    ["a float RoomId", (b: Record<string, unknown>) => ((b.EventData as Record<string, unknown>).RoomId = 12.5), "/EventData/RoomId"],
    ["a string Timestamp", (b: Record<string, unknown>) => (b.Timestamp = "1700000000"), "/Timestamp"],
    ["an upper-case Sign", (b: Record<string, unknown>) => (b.Sign = String(b.Sign).toUpperCase()), "/Sign"],
    ["a short Sign", (b: Record<string, unknown>) => (b.Sign = "abc"), "/Sign"],
    ["an unknown FinishReason", (b: Record<string, unknown>) => ((b.EventData as Record<string, unknown>).FinishReason = "TIMEOUT"), "/EventData/FinishReason"],
    ["an Error without Code", (b: Record<string, unknown>) => ((b.EventData as Record<string, unknown>).Error = { Message: "x" }), "/EventData/Error/Code"],
    ["a negative ExceptionCnt", (b: Record<string, unknown>) => ((b.EventData as Record<string, unknown>).ExceptionCnt = -1), "/EventData/ExceptionCnt"],
    ["a RoomId above 4294967295", (b: Record<string, unknown>) => ((b.EventData as Record<string, unknown>).RoomId = 4294967296), "/EventData/RoomId"],
    ["a PushUserId over 60 characters", (b: Record<string, unknown>) => ((b.EventData as Record<string, unknown>).PushUserId = "u".repeat(61)), "/EventData/PushUserId"],
  ])("rejects %s", (_, mutate, pointer) => {
    const body = clone(stopped) as unknown as Record<string, unknown>;
    mutate(body);
    const result = validateEvent(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((issue) => issue.pointer)).toContain(pointer);
  });

  it("names the EventType problem for bodies of other or no event types", () => {
    expect(validateEvent({ ...started, EventType: "TranscodeFinished" })).toMatchObject({ ok: false, issues: [{ pointer: "/EventType" }] });
    expect(validateEvent({ EventData: {} })).toMatchObject({ ok: false, issues: [{ pointer: "" }] });
    expect(validateEvent([started])).toMatchObject({ ok: false, issues: [{ message: "must be a JSON object" }] });
    expect(validateEvent(null)).toMatchObject({ ok: false });
  });
});
