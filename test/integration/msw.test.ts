import { http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createReceiver } from "../../src/receiver/reference-receiver.js";
import { createTiwHandlers, tiwEndpoints } from "../../mocks/index.js";
import { serve } from "../../src/server/node.js";
import { verifyCallback } from "../../src/receiver/verify-callback.js";
import type { WhiteboardPushEvent } from "../../src/tiw/events.js";

const sdkAppId = 1400000001;
const callbackKey = "msw-test-callback-key";
const backendCallback = "https://backend.test/tiw/whiteboard-push/callback";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: "bypass" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Plain fetch to TIW's real endpoint, which MSW answers. */
async function tiwCall(action: string, body: object, endpoint: string = tiwEndpoints[0]) {
  const response = await fetch(`${endpoint}/`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-TC-Action": action, "X-TC-Version": "2019-09-19", "X-TC-Region": "ap-guangzhou" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  const { Response } = (await response.json()) as { Response: Record<string, unknown> & { Error?: { Code: string } } };
  return Response;
}

/** Records the raw bodies a receiver accepted, for an independent signature check. */
function recordingReceiver() {
  const accepted: Array<{ event: WhiteboardPushEvent; raw: string }> = [];
  const receiver = createReceiver({ callbackKey, sdkAppId });
  const fetchHandler = async (request: Request) => {
    const raw = await request.clone().text();
    const response = await receiver.fetch(request);
    if (response.status === 200) accepted.push({ event: JSON.parse(raw) as WhiteboardPushEvent, raw });
    return response;
  };
  return { accepted, fetchHandler };
}

/** The same scenario as the SDK test: configure, start, describe PUSHING, stop, describe STOPPED. */
async function runScenario(advance: (seconds: number) => unknown, settled: () => Promise<void>, callback: string, endpoint?: string) {
  expect((await tiwCall("SetWhiteboardPushCallback", { SdkAppId: sdkAppId, Callback: callback }, endpoint)).Error).toBeUndefined();
  expect((await tiwCall("SetWhiteboardPushCallbackKey", { SdkAppId: sdkAppId, CallbackKey: callbackKey }, endpoint)).Error).toBeUndefined();
  const { TaskId: taskId } = await tiwCall("StartWhiteboardPush", { SdkAppId: sdkAppId, RoomId: 2024, PushUserId: "tic_push_user_2024_01", PushUserSig: "sig" }, endpoint);
  expect(taskId).toMatch(/^[a-z0-9]{20}$/);
  expect(await tiwCall("DescribeWhiteboardPush", { SdkAppId: sdkAppId, TaskId: taskId }, endpoint)).toMatchObject({ Status: "PREPARED" });
  await advance(1);
  await settled();
  const pushing = await tiwCall("DescribeWhiteboardPush", { SdkAppId: sdkAppId, TaskId: taskId }, endpoint);
  expect(pushing).toMatchObject({ Status: "PUSHING", GroupId: "2024" });
  await advance(60);
  await tiwCall("StopWhiteboardPush", { SdkAppId: sdkAppId, TaskId: taskId }, endpoint);
  await settled();
  const stopped = await tiwCall("DescribeWhiteboardPush", { SdkAppId: sdkAppId, TaskId: taskId }, endpoint);
  expect(stopped).toMatchObject({ Status: "STOPPED", FinishReason: "USER_CALL", PushStopTime: (pushing.PushStartTime as number) + 60 });
  expect((await tiwCall("DescribeWhiteboardPush", { SdkAppId: sdkAppId, TaskId: "nosuchtask0000000000" }, endpoint)).Error?.Code).toBe("InvalidParameter.TaskNotFound");
  return { taskId: taskId as string, stopped };
}

function expectStartedThenStopped(accepted: Array<{ event: WhiteboardPushEvent; raw: string }>, taskId: string, stopped: Record<string, unknown>) {
  expect(accepted.map(({ event }) => [event.EventType, event.EventData.TaskId])).toEqual([
    ["WhiteboardPushStarted", taskId],
    ["WhiteboardPushStopped", taskId],
  ]);
  for (const { raw } of accepted) expect(verifyCallback(raw, { callbackKey, sdkAppId })).toMatchObject({ ok: true });
  expect(accepted[1]?.event.EventData).toMatchObject({ FinishReason: "USER_CALL", PushStopTime: stopped.PushStopTime });
}

describe("MSW handlers for TIW's endpoints", () => {
  it("answers plain fetch on tiw.tencentcloudapi.com and delivers to an in-process receiver", async () => {
    const receiver = recordingReceiver();
    const tiw = createTiwHandlers({ timeScale: 0, callbackHandler: receiver.fetchHandler, retries: 0 });
    server.use(...tiw);
    const { taskId, stopped } = await runScenario((s) => tiw.api.advance(s), () => tiw.api.settled(), backendCallback);
    expectStartedThenStopped(receiver.accepted, taskId, stopped);
    await tiw.api.close();
  });

  it("delivers to a callback URL that another MSW handler answers, on the international endpoint", async () => {
    const receiver = recordingReceiver();
    const tiw = createTiwHandlers({ timeScale: 0, retries: 0 });
    server.use(...tiw, http.post(backendCallback, ({ request }) => receiver.fetchHandler(request)));
    const { taskId, stopped } = await runScenario((s) => tiw.api.advance(s), () => tiw.api.settled(), backendCallback, tiwEndpoints[1]);
    expectStartedThenStopped(receiver.accepted, taskId, stopped);
    await tiw.api.close();
  });

  it("delivers over real HTTP to a receiver on 127.0.0.1, and serves the control surface", async () => {
    const receiver = recordingReceiver();
    const receiverServer = await serve(receiver.fetchHandler);
    const tiw = createTiwHandlers({ timeScale: 0, retries: 0 });
    server.use(...tiw);
    try {
      const callback = `${receiverServer.url}/tiw/callback`;
      const advance = (seconds: number) => fetch(`${tiwEndpoints[0]}/_kit/clock/advance`, { method: "POST", body: JSON.stringify({ seconds }) });
      const { taskId, stopped } = await runScenario(advance, () => tiw.api.settled(), callback);
      expectStartedThenStopped(receiver.accepted, taskId, stopped);
      const tasks = (await (await fetch(`${tiwEndpoints[0]}/_kit/tasks`)).json()) as Array<{ taskId: string }>;
      expect(tasks.map((task) => task.taskId)).toEqual([taskId]);
    } finally {
      await tiw.api.close();
      await receiverServer.close();
    }
  });

  it("leaves other hosts alone", async () => {
    const tiw = createTiwHandlers({ timeScale: 0 });
    server.use(...tiw, http.all("https://cvm.tencentcloudapi.com/*", () => new Response("not TIW", { status: 418 })));
    expect((await fetch("https://cvm.tencentcloudapi.com/", { method: "POST" })).status).toBe(418);
    await tiw.api.close();
  });
});
