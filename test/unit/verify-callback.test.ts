import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyCallback } from "../../src/receiver/verify-callback.js";

const key = "test-callback-key";
const md5 = (text: string) => createHash("md5").update(text).digest("hex");
const now = 1700000100;

function body(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    EventType: "WhiteboardPushStarted",
    EventData: { TaskId: "bj0mt2l23osdj300hl30", RoomId: 1253, PushUserId: "tic_push_user_1253_01", PushStartTime: 1700000000 },
    SdkAppId: 1400000001,
    Timestamp: 1700000000,
    ExpireTime: 1700000300,
    Sign: md5(`${key}1700000300`),
    ...overrides,
  };
}
type KeyedOptions = Extract<Parameters<typeof verifyCallback>[1], { unsigned?: false }>;
const verifyBody = (value: unknown, options: Partial<KeyedOptions> = {}) =>
  verifyCallback(typeof value === "string" ? value : JSON.stringify(value), { callbackKey: key, sdkAppId: 1400000001, now, ...options });

describe("verifyCallback", () => {
  it("returns the typed event for a valid, signed, in-window callback", () => {
    const result = verifyBody(body());
    expect(result).toEqual({ ok: true, event: body() });
  });

  it("accepts bytes as well as text", () => {
    expect(verifyCallback(new TextEncoder().encode(JSON.stringify(body())), { callbackKey: key, now })).toMatchObject({ ok: true });
  });

  it.each([
    ["malformed_json", "{not json", 400],
    ["malformed_json", "", 400],
    ["unknown_event", body({ EventType: "TranscodeFinished" }), 400],
    ["schema", body({ SdkAppId: "1400000001" }), 400],
    ["schema", "[1,2]", 400],
    ["missing_signature", body({ Sign: undefined }), 401],
    ["missing_signature", body({ ExpireTime: undefined }), 401],
    ["bad_signature", body({ Sign: md5("other-key1700000300") }), 401],
    ["bad_signature", body({ ExpireTime: 1700000301 }), 401],
    ["expired", body({ ExpireTime: 1700000099, Sign: md5(`${key}1700000099`) }), 401],
    ["wrong_app", body({ SdkAppId: 1400000002 }), 403],
  ] as const)("rejects with reason %s (%#)", (reason, value, status) => {
    const result = verifyBody(value);
    expect(result).toMatchObject({ ok: false, reason, status });
    if (!result.ok) expect(result.message).not.toContain(key);
  });

  it("accepts an ExpireTime exactly now, and one just past within maxSkewSeconds", () => {
    expect(verifyBody(body(), { now: 1700000300 })).toMatchObject({ ok: true });
    expect(verifyBody(body(), { now: 1700000301 })).toMatchObject({ ok: false, reason: "expired" });
    expect(verifyBody(body(), { now: 1700000305, maxSkewSeconds: 5 })).toMatchObject({ ok: true });
  });

  it("accepts any of several app ids, and any app when none is given", () => {
    expect(verifyBody(body(), { sdkAppId: [1, 1400000001] })).toMatchObject({ ok: true });
    expect(verifyBody(body({ SdkAppId: 7 }), { sdkAppId: undefined })).toMatchObject({ ok: true });
  });

  it("rejects a body over the size limit before parsing it", () => {
    const large = JSON.stringify(body({ Padding: "x".repeat(2000) }));
    expect(verifyBody(large, { maxBodyBytes: 1000 })).toMatchObject({ ok: false, reason: "too_large", status: 413 });
  });

  it("lists every schema issue", () => {
    const result = verifyBody(body({ Timestamp: -1, EventData: { TaskId: "" } }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues?.length).toBeGreaterThanOrEqual(4);
  });

  it("never throws, whatever the input", () => {
    for (const input of ["null", "0", '"x"', "{}", '{"EventType":null}', '{"EventType":"WhiteboardPushStopped","EventData":null}', "\u0000", "{".repeat(10000)]) {
      expect(() => verifyBody(input)).not.toThrow();
      expect(verifyBody(input).ok).toBe(false);
    }
  });
});

describe("verifyCallback under hostile input and bad options", () => {
  it("never throws on any body: nested 9 KB of arrays, null, undefined, a number", () => {
    const deep = "[".repeat(4500) + "]".repeat(4500);
    const deepInside = JSON.stringify(body()).replace(/}$/, `,"Extra":${deep}}`);
    for (const raw of [deep, deepInside, null, undefined, 42]) {
      const result = verifyCallback(raw as unknown as string, { callbackKey: key, now });
      expect(result.ok).toBe(false);
      expect(result).toMatchObject({ status: 400 });
    }
    // A body the receiver may log or store whole: JSON.stringify of the event must not overflow.
    expect(verifyBody(JSON.stringify(body()).replace(/}$/, `,"Extra":${"[".repeat(33)}${"]".repeat(33)}}`))).toMatchObject({ ok: false, reason: "malformed_json" });
    expect(verifyBody(JSON.stringify(body()).replace(/}$/, `,"Extra":${"[".repeat(20)}${"]".repeat(20)}}`))).toMatchObject({ ok: true });
  });

  it("refuses ids beyond their documented bounds: TaskId and GroupId 128 characters, PushUserId 60", () => {
    const data = body().EventData as Record<string, unknown>;
    expect(verifyBody(body({ EventData: { ...data, TaskId: "t".repeat(128) } }))).toMatchObject({ ok: true });
    expect(verifyBody(body({ EventData: { ...data, TaskId: "t".repeat(129) } }))).toMatchObject({ ok: false, reason: "schema" });
    expect(verifyBody(body({ EventData: { ...data, PushUserId: "u".repeat(61) } }))).toMatchObject({ ok: false, reason: "schema" });
  });

  it("throws a configuration error, never accepts, when the key is missing or empty", () => {
    const forged = body({ ExpireTime: 1700000300, Sign: md5("1700000300") });
    for (const callbackKey of [undefined, "", null, 42]) {
      expect(() => verifyCallback(JSON.stringify(forged), { callbackKey: callbackKey as unknown as string, now })).toThrow(/^tiw-push-kit: callbackKey must be a non-empty string/);
    }
  });

  it("throws a configuration error for times and limits that are not numbers, never accepts an expired body", () => {
    const expired = JSON.stringify(body({ ExpireTime: 1600000000, Sign: md5(`${key}1600000000`) }));
    const bad: Array<Partial<KeyedOptions>> = [
      { now: Number.NaN },
      { now: "1700000100" as unknown as number },
      { maxSkewSeconds: Number.NaN },
      { maxSkewSeconds: -1 },
      { maxBodyBytes: Number.NaN },
      { maxBodyBytes: 0 },
      { sdkAppId: Number.NaN },
    ];
    for (const options of bad) {
      expect(() => verifyCallback(expired, { callbackKey: key, now, ...options })).toThrow(/^tiw-push-kit: /);
    }
  });
});
