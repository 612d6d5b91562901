import { afterEach, describe, expect, it } from "vitest";
import { createTiwApi, type TiwApi } from "../../src/stand-in/http/tiw-api.js";
import type { KitDelivery, KitTask } from "../../src/stand-in/types.js";

const sdkAppId = 1400000001;
const apis: TiwApi[] = [];
afterEach(async () => {
  for (const api of apis.splice(0)) await api.close();
});

function standIn(received: string[]): TiwApi {
  const api = createTiwApi({
    timeScale: 0,
    callback: "http://backend.test/cb",
    callbackKey: "lost-key",
    retries: 0,
    wallClock: () => 1_700_000_000_000,
    callbackHandler: async (request) => {
      received.push(((await request.json()) as { EventType: string }).EventType);
      return Response.json({ error_code: 0 });
    },
  });
  apis.push(api);
  return api;
}

const kit = async (api: TiwApi, method: string, path: string) => {
  const response = await api.fetch(new Request(`http://tiw.test/_kit/${path}`, { method }));
  return { status: response.status, json: (await response.json()) as unknown };
};

const cloudApi = (api: TiwApi, action: string, body: object) =>
  api.fetch(new Request("http://tiw.test/", { method: "POST", headers: { "X-TC-Action": action, "X-TC-Version": "2019-09-19" }, body: JSON.stringify({ SdkAppId: sdkAppId, ...body }) }));

describe("a callback lost for good, and the API calls a receiver makes", () => {
  it("stops a task with ?dropCallback=true without ever sending its Stopped, while DescribeWhiteboardPush says STOPPED", async () => {
    const received: string[] = [];
    const api = standIn(received);
    const { json: task } = await kit(api, "POST", "tasks");
    const taskId = (task as KitTask).taskId;
    await kit(api, "POST", `tasks/${taskId}/start`);
    await api.settled();
    expect((await kit(api, "POST", `tasks/${taskId}/stop?dropCallback=true`)).status).toBe(200);
    await api.settled();

    expect(received).toEqual(["WhiteboardPushStarted"]);
    expect(((await kit(api, "GET", `deliveries?taskId=${taskId}`)).json as KitDelivery[]).map((delivery) => delivery.eventType)).toEqual(["WhiteboardPushStarted"]);
    const described = (await (await cloudApi(api, "DescribeWhiteboardPush", { TaskId: taskId })).json()) as { Response: { Status: string; FinishReason: string } };
    expect(described.Response).toMatchObject({ Status: "STOPPED", FinishReason: "USER_CALL" });
  });

  it("records each Cloud API call with its action, TaskId and time, filtered by task", async () => {
    const api = standIn([]);
    await cloudApi(api, "DescribeWhiteboardPush", { TaskId: "not-a-task" });
    await cloudApi(api, "DescribeWhiteboardPushCallback", {});
    expect((await kit(api, "GET", "api-calls")).json).toEqual([
      { Action: "DescribeWhiteboardPush", TaskId: "not-a-task", At: 1_700_000_000_000 },
      { Action: "DescribeWhiteboardPushCallback", At: 1_700_000_000_000 },
    ]);
    expect((await kit(api, "GET", "api-calls?taskId=not-a-task")).json).toEqual([{ Action: "DescribeWhiteboardPush", TaskId: "not-a-task", At: 1_700_000_000_000 }]);
  });

  it("refuses a dropCallback that is not true or false", async () => {
    const api = standIn([]);
    const { json: task } = await kit(api, "POST", "tasks");
    expect(await kit(api, "POST", `tasks/${(task as KitTask).taskId}/stop?dropCallback=yes`)).toEqual({ status: 400, json: { error: "bad_request", message: "dropCallback must be true or false, got 'yes'" } });
  });
});
