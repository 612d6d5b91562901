import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { verifyCallback } from "../../src/receiver/verify-callback.js";

/** Runs per property: small in `npm test`, large with `npm run fuzz` (FUZZ_RUNS). */
const numRuns = Number(process.env.FUZZ_RUNS ?? 1500);
const seed = Number(process.env.FUZZ_SEED ?? 20261130);
const key = "fuzz-callback-key";
const sdkAppId = 1400000001;
const now = 1700000100;
const md5 = (text: string) => createHash("md5").update(text).digest("hex");

const valid = {
  EventType: "WhiteboardPushStopped",
  EventData: {
    TaskId: "bj0mt2l23osdj300hl30",
    RoomId: 1253,
    GroupId: "1253",
    PushUserId: "tic_push_user_1253_01",
    FinishReason: "AUTO",
    PushStartTime: 1699998000,
    PushStopTime: 1700000000,
    IMSyncTime: 1699998000,
    ExceptionCnt: 0,
  },
  SdkAppId: sdkAppId,
  Timestamp: 1700000000,
  ExpireTime: 1700000300,
  Sign: md5(`${key}1700000300`),
};

/** What an accepted body must be, checked with code of its own: the signature, the window, the app. */
function acceptable(body: unknown): boolean {
  if (typeof body !== "object" || body === null) return false;
  const event = body as { Sign?: unknown; ExpireTime?: unknown; SdkAppId?: unknown };
  return typeof event.ExpireTime === "number" && event.ExpireTime >= now && event.Sign === md5(`${key}${event.ExpireTime}`) && event.SdkAppId === sdkAppId;
}

/** A valid body with one field of the envelope or EventData replaced by anything. */
const mutated = fc
  .tuple(fc.constantFrom("EventType", "SdkAppId", "Timestamp", "ExpireTime", "Sign", "EventData", "TaskId", "RoomId", "FinishReason", "PushStopTime"), fc.jsonValue())
  .map(([field, value]) => {
    const copy: Record<string, unknown> = JSON.parse(JSON.stringify(valid));
    if (field in copy) copy[field] = value;
    else (copy.EventData as Record<string, unknown>)[field] = value;
    return JSON.stringify(copy);
  });

describe("verifyCallback, fuzzed", () => {
  it("never throws and never accepts what the key, the window or the app refuse, for any text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), mutated, fc.string({ unit: "binary" })), (text) => {
        const result = verifyCallback(text, { callbackKey: key, sdkAppId, now });
        if (result.ok) expect(acceptable(JSON.parse(text))).toBe(true);
        else expect(result.status).toBeGreaterThanOrEqual(400);
      }),
      { numRuns, seed },
    );
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        expect(verifyCallback(bytes, { callbackKey: key, sdkAppId, now }).ok).toBe(false);
      }),
      { numRuns, seed },
    );
  });
});
