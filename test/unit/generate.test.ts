import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generate, scenarios } from "../../src/generate/generate.js";
import { verifyCallback } from "../../src/receiver/verify-callback.js";
import type { WhiteboardPushStartedEvent, WhiteboardPushStoppedEvent } from "../../src/tiw/events.js";

const key = "generator-test-key";

describe("generate", () => {
  it("obeys the spec and the facts' relations for any seed, scenario and settings", () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer(),
          scenario: fc.constantFrom(...scenarios),
          count: fc.integer({ min: 1, max: 12 }),
          now: fc.integer({ min: 1_500_000_000, max: 2_000_000_000 }),
          sdkAppId: fc.integer({ min: 1, max: 4294967295 }),
          expireWindowSeconds: fc.integer({ min: 1, max: 3600 }),
          autoStopTimeout: fc.integer({ min: 300, max: 259200 }),
        }),
        (options) => {
          const events = generate({ ...options, callbackKey: key });
          expect(events).toHaveLength(options.count * 2);
          // Delivery order: chronological.
          for (let i = 1; i < events.length; i++) expect(events[i]!.Timestamp).toBeGreaterThanOrEqual(events[i - 1]!.Timestamp);

          const started = new Map<string, { event: WhiteboardPushStartedEvent; index: number }>();
          events.forEach((event, index) => {
            expect(event.SdkAppId).toBe(options.sdkAppId);
            // A history that ends at `now`, signed as if sent then: nothing from the future, nothing expired.
            expect(event.Timestamp).toBeLessThanOrEqual(options.now);
            expect(event.ExpireTime).toBe(options.now + options.expireWindowSeconds);
            // Every event validates and verifies at the moment it is produced.
            expect(verifyCallback(JSON.stringify(event), { callbackKey: key, sdkAppId: options.sdkAppId, now: event.Timestamp })).toMatchObject({ ok: true });
            const data = event.EventData;
            expect(data.TaskId).toMatch(/^[a-z0-9]{20}$/);
            expect(data.RoomId).toBeGreaterThan(1);
            expect(data.RoomId).toBeLessThan(4294967295);
            expect(data.PushUserId.startsWith(`tic_push_user_${data.RoomId}_`)).toBe(true);
            expect(Buffer.byteLength(data.PushUserId)).toBeLessThanOrEqual(60);
            if (event.EventType === "WhiteboardPushStarted") {
              expect(started.has(data.TaskId)).toBe(false);
              started.set(data.TaskId, { event, index });
              expect(event.Timestamp).toBe(event.EventData.PushStartTime);
              return;
            }
            checkStopped(event, started.get(data.TaskId), index, options);
          });
          expect(started.size).toBe(options.count);
          expect(events.at(-1)?.Timestamp).toBe(options.now);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("ends the history at the wall clock without now, and draws a fresh seed without seed", () => {
    const before = Math.floor(Date.now() / 1000);
    const first = generate({ count: 20, callbackKey: key });
    const second = generate({ count: 20 });
    const after = Math.floor(Date.now() / 1000);
    expect(Math.max(...first.map((event) => event.Timestamp))).toBeGreaterThanOrEqual(before);
    expect(Math.max(...first.map((event) => event.Timestamp))).toBeLessThanOrEqual(after);
    for (const event of first) expect(event.ExpireTime).toBeGreaterThan(after);
    const ids = (events: typeof first) => new Set(events.map((event) => event.EventData.TaskId));
    expect([...ids(first)].filter((id) => ids(second).has(id))).toEqual([]);
  });

  it("makes brief tasks as short as the protocol allows", () => {
    const events = generate({ count: 60, seed: 3, now: 1700000000, durations: "brief", autoStopTimeout: 300 });
    const stopped = events.filter((event): event is WhiteboardPushStoppedEvent => event.EventType === "WhiteboardPushStopped");
    for (const { EventData: data } of stopped) {
      const length = data.PushStopTime - data.PushStartTime;
      if (data.FinishReason === "AUTO") expect(length).toBeGreaterThanOrEqual(300);
      expect(length).toBeLessThanOrEqual(data.FinishReason === "AUTO" ? 305 : 60);
    }
    // 60 tasks a few seconds apart: the whole history spans minutes, not hours.
    expect(events.at(-1)!.Timestamp - events[0]!.Timestamp).toBeLessThan(60 * 5 + 305 + 1);
  });

  it("gives byte-identical output for the same seed and now, and different output for another seed", () => {
    const options = { count: 50, seed: 99, now: 1700000000, callbackKey: key };
    expect(JSON.stringify(generate(options))).toBe(JSON.stringify(generate(options)));
    expect(JSON.stringify(generate({ ...options, seed: 100 }))).not.toBe(JSON.stringify(generate(options)));
  });

  it("mixes all three endings and both error codes over a large mixed run", () => {
    const stopped = generate({ count: 600, seed: 5, now: 1700000000 }).filter((event) => event.EventType === "WhiteboardPushStopped");
    const reasons = new Set(stopped.map((event) => event.EventData.FinishReason));
    const codes = new Set(stopped.map((event) => event.EventData.Error?.Code).filter(Boolean));
    expect(reasons).toEqual(new Set(["USER_CALL", "AUTO", "EXCEPTION"]));
    expect(codes).toEqual(new Set(["FailedOperation.Record", "FailedOperation.WhiteboardPush"]));
    const userCalls = stopped.filter((event) => event.EventData.FinishReason === "USER_CALL");
    // "usually ExceptionCnt 0"
    expect(userCalls.filter((event) => event.EventData.ExceptionCnt === 0).length / userCalls.length).toBeGreaterThan(0.8);
  });

  it("leaves ExpireTime and Sign out without a key", () => {
    for (const event of generate({ count: 3, seed: 1 })) {
      expect(event).not.toHaveProperty("Sign");
      expect(event).not.toHaveProperty("ExpireTime");
    }
  });

  it("rejects an AutoStopTimeout outside [300, 259200] and a bad count", () => {
    expect(() => generate({ autoStopTimeout: 299 })).toThrow(/autoStopTimeout must be/);
    expect(() => generate({ autoStopTimeout: 259201 })).toThrow(RangeError);
    expect(() => generate({ count: -1 })).toThrow(/count must be/);
  });
});

function checkStopped(
  event: WhiteboardPushStoppedEvent,
  start: { event: WhiteboardPushStartedEvent; index: number } | undefined,
  index: number,
  options: { autoStopTimeout: number },
) {
  const data = event.EventData;
  expect(start, "Stopped comes after its Started").toBeDefined();
  if (!start) return;
  expect(start.index).toBeLessThan(index);
  expect(data.RoomId).toBe(start.event.EventData.RoomId);
  expect(data.PushUserId).toBe(start.event.EventData.PushUserId);
  expect(data.PushStartTime).toBe(start.event.EventData.PushStartTime);
  expect(data.GroupId).toBe(String(data.RoomId));
  expect(data.PushStopTime).toBeGreaterThanOrEqual(data.PushStartTime);
  expect(data.IMSyncTime - data.PushStartTime).toBeGreaterThanOrEqual(0);
  expect(data.IMSyncTime - data.PushStartTime).toBeLessThanOrEqual(5);
  expect(event.Timestamp - data.PushStopTime).toBeGreaterThanOrEqual(0);
  expect(event.Timestamp - data.PushStopTime).toBeLessThanOrEqual(1);
  switch (data.FinishReason) {
    case "AUTO":
      expect(data.PushStopTime - data.PushStartTime).toBeGreaterThanOrEqual(options.autoStopTimeout);
      expect(data.Error).toBeUndefined();
      break;
    case "USER_CALL":
      expect(data.Error).toBeUndefined();
      break;
    case "EXCEPTION":
      expect(data.ExceptionCnt).toBeGreaterThanOrEqual(1);
      expect(["FailedOperation.Record", "FailedOperation.WhiteboardPush"]).toContain(data.Error?.Code);
      expect(data.Error?.Message.length).toBeGreaterThan(10);
      break;
  }
}
