import { Agent } from "node:http";
import * as tencentcloud from "tencentcloud-sdk-nodejs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReceiver } from "../../src/receiver/reference-receiver.js";
import { serve, type RunningServer } from "../../src/server/node.js";
import { serveTiwApi, type TiwApiServer } from "../../src/server/serve-tiw-api.js";
import { verifyCallback } from "../../src/receiver/verify-callback.js";
import type { WhiteboardPushEvent } from "../../src/tiw/events.js";
import { waitFor } from "../helpers/servers.js";

const sdkAppId = 1400000001;
const callbackKey = "sdk-test-callback-key";
const credentials = { secretId: "AKIDsdktestsecretid00", secretKey: "sdk-test-secret-key" };

const received: Array<{ event: WhiteboardPushEvent; raw: string }> = [];
let receiverServer: RunningServer;
let tiw: TiwApiServer;
let agent: Agent;

/** The official TIW client, pointed at the stand-in like a user would. */
function tiwClient(secretKey = credentials.secretKey) {
  const { port } = new URL(tiw.url);
  return new tencentcloud.tiw.v20190919.Client({
    credential: { secretId: credentials.secretId, secretKey },
    region: "ap-guangzhou",
    // An explicit agent keeps a proxy from the environment out of this loopback-only test.
    profile: { httpProfile: { endpoint: `127.0.0.1:${port}`, protocol: "http://", agent } },
  });
}

async function sdkErrorCode(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as { code: string }).code;
  }
  throw new Error("the call succeeded");
}

beforeAll(async () => {
  agent = new Agent({ keepAlive: false });
  const receiver = createReceiver({ callbackKey, sdkAppId });
  // Keep each raw body, so the signature can be checked apart from the receiver too.
  receiverServer = await serve(async (request) => {
    const raw = await request.clone().text();
    const response = await receiver.fetch(request);
    if (response.status === 200) received.push({ event: JSON.parse(raw) as WhiteboardPushEvent, raw });
    return response;
  });
  tiw = await serveTiwApi({ port: 0, credentials, prepareSeconds: 0.2, retries: 0 });
});

afterAll(async () => {
  await tiw?.close();
  await receiverServer?.close();
  agent?.destroy();
});

describe("the official tencentcloud-sdk-nodejs TIW client against serve", () => {
  it("drives the whole loop with TC3 verification on: callbacks configured, started, described, stopped", async () => {
    const client = tiwClient();
    const callback = `${receiverServer.url}/tiw/whiteboard-push/callback`;
    await client.SetWhiteboardPushCallback({ SdkAppId: sdkAppId, Callback: callback });
    await client.SetWhiteboardPushCallbackKey({ SdkAppId: sdkAppId, CallbackKey: callbackKey });
    expect(await client.DescribeWhiteboardPushCallback({ SdkAppId: sdkAppId })).toMatchObject({ Callback: callback, CallbackKey: callbackKey });

    const started = await client.StartWhiteboardPush({ SdkAppId: sdkAppId, RoomId: 880528, PushUserId: "tic_push_user_880528_sdk", PushUserSig: "user-sig", AutoStopTimeout: 600 });
    const taskId = started.TaskId ?? "";
    expect(taskId).toMatch(/^[a-z0-9]{20}$/);
    expect(started.RequestId).toMatch(/^[0-9a-f-]{36}$/);

    await waitFor(() => received.some(({ event }) => event.EventType === "WhiteboardPushStarted"), 10_000, "WhiteboardPushStarted");
    const pushing = await client.DescribeWhiteboardPush({ SdkAppId: sdkAppId, TaskId: taskId });
    expect(pushing).toMatchObject({ TaskId: taskId, Status: "PUSHING", RoomId: 880528, GroupId: "880528", FinishReason: "" });

    await client.StopWhiteboardPush({ SdkAppId: sdkAppId, TaskId: taskId });
    await waitFor(() => received.length === 2, 10_000, "WhiteboardPushStopped");
    const stopped = await client.DescribeWhiteboardPush({ SdkAppId: sdkAppId, TaskId: taskId });
    expect(stopped).toMatchObject({ Status: "STOPPED", FinishReason: "USER_CALL", ExceptionCnt: 0, PushStartTime: pushing.PushStartTime });

    expect(received.map(({ event }) => event.EventType)).toEqual(["WhiteboardPushStarted", "WhiteboardPushStopped"]);
    for (const { raw } of received) expect(verifyCallback(raw, { callbackKey, sdkAppId })).toMatchObject({ ok: true });
    const [startedEvent, stoppedEvent] = received.map(({ event }) => event);
    expect(startedEvent?.EventData).toMatchObject({ TaskId: taskId, PushStartTime: pushing.PushStartTime });
    expect(stoppedEvent?.EventData).toMatchObject({
      TaskId: taskId,
      FinishReason: "USER_CALL",
      PushStartTime: stopped.PushStartTime,
      PushStopTime: stopped.PushStopTime,
      IMSyncTime: stopped.IMSyncTime,
      ExceptionCnt: 0,
    });
  });

  it("throws SDK errors whose code is Tencent's", async () => {
    const client = tiwClient();
    expect(await sdkErrorCode(client.DescribeWhiteboardPush({ SdkAppId: sdkAppId, TaskId: "nosuchtask0000000000" }))).toBe("InvalidParameter.TaskNotFound");
    expect(await sdkErrorCode(client.StartWhiteboardPush({ SdkAppId: sdkAppId, RoomId: 1253, PushUserId: "u", PushUserSig: "s", AutoStopTimeout: 10 }))).toBe("InvalidParameterValue");
    const mistyped = { SdkAppId: sdkAppId, RoomId: "1253", PushUserId: "u", PushUserSig: "s" } as unknown as Parameters<typeof client.StartWhiteboardPush>[0];
    expect(await sdkErrorCode(client.StartWhiteboardPush(mistyped))).toBe("InvalidParameter.BodyParameterTypeUnmatched");
    expect(await sdkErrorCode(client.DescribeWhiteboardPushCallback({ SdkAppId: 1400000002 }))).toBe("UnauthorizedOperation.SdkAppId");
    expect(await sdkErrorCode(tiwClient("a-wrong-secret-key").DescribeWhiteboardPushCallback({ SdkAppId: sdkAppId }))).toBe("AuthFailure.SignatureFailure");
  });
});
