import { describe, expect, it } from "vitest";
import { createVerifier, verifyCallback } from "../../src/receiver/verify-callback.js";
import { createReceiver } from "../../src/receiver/reference-receiver.js";

const now = 1700000100;
const unsignedStarted = {
  EventType: "WhiteboardPushStarted",
  EventData: { TaskId: "bj0mt2l23osdj300hl30", RoomId: 1253, PushUserId: "tic_push_user_1253_01", PushStartTime: 1700000000 },
  SdkAppId: 1400000001,
  Timestamp: 1700000000,
};

describe("verifyCallback in unsigned mode (no callback key set on TIW)", () => {
  it("accepts a callback without Sign and ExpireTime, as TIW sends it when no key is configured", () => {
    expect(verifyCallback(JSON.stringify(unsignedStarted), { unsigned: true, sdkAppId: 1400000001, now })).toEqual({ ok: true, event: unsignedStarted });
  });

  it.each([
    ["Sign and ExpireTime", { ExpireTime: 1700000300, Sign: "0".repeat(32) }],
    ["Sign alone", { Sign: "0".repeat(32) }],
    ["ExpireTime alone", { ExpireTime: 1700000300 }],
  ])("refuses a callback carrying %s: TIW has a key this receiver does not know", (_, signature) => {
    const result = verifyCallback(JSON.stringify({ ...unsignedStarted, ...signature }), { unsigned: true, now });
    expect(result).toMatchObject({ ok: false, reason: "unexpected_signature", status: 401 });
    expect(!result.ok && result.message).toMatch(/callback key/);
  });

  it("still checks the schema and the SdkAppId", () => {
    expect(verifyCallback(JSON.stringify({ ...unsignedStarted, SdkAppId: 1400000002 }), { unsigned: true, sdkAppId: 1400000001, now })).toMatchObject({ ok: false, reason: "wrong_app" });
    expect(verifyCallback(JSON.stringify({ ...unsignedStarted, EventData: {} }), { unsigned: true, now })).toMatchObject({ ok: false, reason: "schema" });
  });

  it("is an explicit opt-in: a missing key without it still throws, and a key with it is refused as ambiguous", () => {
    expect(() => createVerifier({ callbackKey: "" })).toThrow(/^tiw-push-kit: callbackKey must be a non-empty string/);
    const both = { unsigned: true, callbackKey: "k" } as unknown as Parameters<typeof createVerifier>[0];
    expect(() => createVerifier(both)).toThrow(/^tiw-push-kit: give either callbackKey or unsigned: true, not both/);
    const notTrue = { unsigned: "yes" } as unknown as Parameters<typeof createVerifier>[0];
    expect(() => createVerifier(notTrue)).toThrow(/^tiw-push-kit: /);
  });

  it("lets the reference receiver run without a key", async () => {
    const receiver = createReceiver({ unsigned: true, sdkAppId: 1400000001, now: () => now });
    const answer = await receiver.fetch(new Request("http://receiver.test/", { method: "POST", body: JSON.stringify(unsignedStarted) }));
    expect(answer.status).toBe(200);
    expect(receiver.tasks.get("bj0mt2l23osdj300hl30")?.Status).toBe("PUSHING");
  });
});
