import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { taskEvents } from "../../src/generate/task-events.js";
import { validateEvent } from "../../src/spec/validation.js";
import type { WhiteboardPushStartedEvent, WhiteboardPushStoppedEvent } from "../../src/tiw/events.js";
import { cli } from "../helpers/cli.js";
import { recordingServer } from "../helpers/servers.js";
import { callbackOf, isSignedWith, validEventViolations, type ArrivedCallback } from "../helpers/wire-clock.js";
import { closedAfterEach, tempDir } from "../helpers/test-lifecycle.js";

const key = "trigger-key";
const dir = tempDir("trigger");
const servers = closedAfterEach();

describe("trigger", () => {
  it("sends exactly the Stopped asked for, signed, with the rest realistic, consistent and on time", async () => {
    const server = await recordingServer();
    servers.push(server);
    const before = Date.now();
    const result = await cli([
      "trigger", "stopped", "--target", `${server.url}/tiw`, "--key", key, "--journal", join(dir, "a.db"),
      "--finish-reason", "EXCEPTION", "--error-code", "FailedOperation.WhiteboardPush", "--task-id", "mytask", "--room-id", "880528",
    ]);
    expect(result.code).toBe(0);
    expect(server.bodies).toHaveLength(1);
    const stopped = JSON.parse(server.bodies[0]!) as WhiteboardPushStoppedEvent;
    expect(stopped.EventData).toMatchObject({ TaskId: "mytask", RoomId: 880528, GroupId: "880528", FinishReason: "EXCEPTION", Error: { Code: "FailedOperation.WhiteboardPush" } });
    expect(stopped.EventData.PushUserId.startsWith("tic_push_user_880528_")).toBe(true);
    expect(stopped.EventData.ExceptionCnt).toBeGreaterThanOrEqual(1);
    expect(validateEvent(stopped).ok).toBe(true);
    // The independent wire-time rules of the wire-time test: valid on arrival, nothing from the future.
    const callback = callbackOf(server.bodies[0]!);
    expect(callback && isSignedWith(callback, key)).toBe(true);
    const arrived: ArrivedCallback = { callback: callback!, arrivalMs: before };
    expect(validEventViolations(arrived)).toEqual([]);
  });

  it("sends a whole AUTO sequence in order, and prints it with --dry-run", async () => {
    const dry = await cli(["trigger", "sequence", "--finish-reason", "AUTO", "--dry-run", "--seed", "3"]);
    expect(dry.code).toBe(0);
    const [started, stopped] = dry.stdout.trim().split("\n").map((line) => JSON.parse(line)) as [WhiteboardPushStartedEvent, WhiteboardPushStoppedEvent];
    expect(started.EventType).toBe("WhiteboardPushStarted");
    expect(stopped.EventData.PushStopTime - stopped.EventData.PushStartTime).toBeGreaterThanOrEqual(1800);
    expect(started).not.toHaveProperty("Sign");
  });

  it("refuses what TIW would never send", async () => {
    expect(await cli(["trigger", "stopped", "--error-code", "X", "--dry-run"])).toMatchObject({ code: 2, stderr: expect.stringContaining("EXCEPTION") });
    expect((await cli(["trigger", "stopped", "--finish-reason", "AUTO", "--push-start-time", "1700000000", "--push-stop-time", "1700000010", "--dry-run"])).code).toBe(2);
    expect((await cli(["trigger", "stopped", "--push-stop-time", String(Math.floor(Date.now() / 1000) + 3600), "--dry-run"])).code).toBe(2);
    expect((await cli(["trigger", "ended", "--dry-run"])).code).toBe(2);
    expect(() => taskEvents({ finishReason: "USER_CALL", pushStartTime: 1700000100, pushStopTime: 1700000000 }, { now: 1700000200 })).toThrow(RangeError);
  });
});
