import { afterEach, describe, expect, it } from "vitest";
import { serve, type RunningServer } from "../../src/server/node.js";
import { createTiwApi, type TiwApi, type TiwApiOptions } from "../../src/stand-in/http/tiw-api.js";
import type { KitChange, KitDelivery, KitTask } from "../../src/stand-in/types.js";

const sdkAppId = 1400000001;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function standIn(options: TiwApiOptions = {}): TiwApi {
  const api = createTiwApi({ timeScale: 0, callback: "http://backend.test/cb", callbackKey: "control-key", retries: 0, callbackHandler: async () => Response.json({ error_code: 0 }), ...options });
  cleanups.push(() => api.close());
  return api;
}

async function kit(api: TiwApi, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await api.fetch(new Request(`http://tiw.test/_kit/${path}`, { method, ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }) }));
  return { status: response.status, json: await response.json() };
}

async function start(api: TiwApi): Promise<string> {
  const response = await api.fetch(
    new Request("http://tiw.test/", {
      method: "POST",
      headers: { "X-TC-Action": "StartWhiteboardPush", "X-TC-Version": "2019-09-19" },
      body: JSON.stringify({ SdkAppId: sdkAppId, RoomId: 1253, PushUserId: "tic_push_user_1253_01", PushUserSig: "sig" }),
    }),
  );
  const { Response } = (await response.json()) as { Response: { TaskId: string } };
  return Response.TaskId;
}

describe("control surface under /_kit/", () => {
  it("lists tasks with timelines and deliveries with attempts", async () => {
    const api = standIn();
    const taskId = await start(api);
    await kit(api, "POST", "clock/advance", { seconds: 1 });
    await api.settled();
    const tasks = (await kit(api, "GET", "tasks")).json as KitTask[];
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ taskId, describe: { Status: "PUSHING" }, timeline: [{ kind: "created" }, { kind: "started", deliveryId: `${taskId}.started` }] });
    expect((await kit(api, "GET", `tasks/${taskId}`)).json).toEqual(tasks[0]);
    const deliveries = (await kit(api, "GET", `deliveries?taskId=${taskId}`)).json as KitDelivery[];
    expect(deliveries).toMatchObject([{ id: `${taskId}.started`, status: "delivered", attempts: [{ status: 200 }], resendOf: null }]);
    expect((await kit(api, "GET", "deliveries?taskId=other")).json).toEqual([]);
  });

  it("advances the clock by seconds or ms, and refuses a bad body", async () => {
    const api = standIn();
    const before = api.clock.now();
    expect(await kit(api, "POST", "clock/advance", { ms: 1500 })).toMatchObject({ status: 200, json: { now: before + 1500, advancedMs: 1500 } });
    expect((await kit(api, "GET", "clock")).json).toMatchObject({ now: before + 1500, timeScale: 0 });
    for (const body of [{}, { seconds: 1, ms: 1 }, { seconds: -1 }, { seconds: "1" }, { minutes: 1 }, "{nope", "[]"]) {
      expect(await kit(api, "POST", "clock/advance", body)).toMatchObject({ status: 400, json: { error: "bad_request" } });
    }
  });

  it("refuses to move the clock further than ten years, over HTTP and through the library (no Timestamp null on the wire)", async () => {
    const api = standIn();
    const before = api.clock.now();
    expect(await kit(api, "POST", "clock/advance", { seconds: 1.7e305 })).toMatchObject({ status: 400, json: { error: "bad_request", message: "seconds must be <= 315360000" } });
    expect(() => api.advance(1.7e305)).toThrow(/seconds must be <= 315360000/);
    expect(() => api.advance(Number.NaN)).toThrow(/seconds must be number/);
    expect(api.clock.now() - before).toBeLessThan(1000);
    expect(await kit(api, "POST", "clock/advance", { seconds: 315360000 })).toMatchObject({ status: 200 });
  });

  it("triggers start, activity, timeout and stop, with 404 and 409 where they do not apply", async () => {
    const api = standIn();
    const taskId = await start(api);
    expect(await kit(api, "POST", `tasks/${taskId}/activity`)).toMatchObject({ status: 409, json: { error: "conflict" } });
    expect(await kit(api, "POST", `tasks/${taskId}/start`)).toMatchObject({ status: 200, json: { describe: { Status: "PUSHING" } } });
    expect(await kit(api, "POST", `tasks/${taskId}/start`)).toMatchObject({ status: 409 });
    expect(await kit(api, "POST", `tasks/${taskId}/activity`)).toMatchObject({ status: 200 });
    expect(await kit(api, "POST", `tasks/${taskId}/timeout`)).toMatchObject({ status: 200, json: { describe: { Status: "STOPPED", FinishReason: "AUTO" } } });
    for (const verb of ["stop", "timeout", "exception"]) expect(await kit(api, "POST", `tasks/${taskId}/${verb}`)).toMatchObject({ status: 409 });
    const other = await start(api);
    expect(await kit(api, "POST", `tasks/${other}/stop`)).toMatchObject({ status: 200, json: { describe: { Status: "STOPPED", FinishReason: "USER_CALL" } } });
    expect(await kit(api, "POST", "tasks/nosuchtask/stop")).toMatchObject({ status: 404, json: { error: "not_found" } });
    expect(await kit(api, "GET", "tasks/nosuchtask")).toMatchObject({ status: 404 });
    expect(await kit(api, "POST", `tasks/${taskId}/explode`)).toMatchObject({ status: 404 });
    expect(await kit(api, "GET", `tasks/${taskId}/stop`)).toMatchObject({ status: 405, json: { error: "method_not_allowed" } });
    expect(await kit(api, "DELETE", "tasks")).toMatchObject({ status: 405 });
    expect(await kit(api, "GET", "nothing-here")).toMatchObject({ status: 404 });
    expect(await kit(api, "GET", "tasks/%E0%A4%A")).toMatchObject({ status: 404, json: { error: "not_found" } });
  });

  it("injects an exception with defaults or the given fault, and checks the body", async () => {
    const api = standIn();
    const first = await start(api);
    expect(await kit(api, "POST", `tasks/${first}/exception`)).toMatchObject({
      status: 200,
      json: { describe: { FinishReason: "EXCEPTION", ExceptionCnt: 1 }, error: { Code: "FailedOperation.WhiteboardPush" } },
    });
    const second = await start(api);
    expect(await kit(api, "POST", `tasks/${second}/exception`, { ExceptionCnt: 0 })).toMatchObject({ status: 400 });
    expect(await kit(api, "POST", `tasks/${second}/exception`, { Reason: "x" })).toMatchObject({ status: 400 });
    expect(await kit(api, "POST", `tasks/${second}/exception`, { Code: "FailedOperation.Record", Message: "m", ExceptionCnt: 2 })).toMatchObject({
      status: 200,
      json: { describe: { ExceptionCnt: 2 }, error: { Code: "FailedOperation.Record", Message: "m" } },
    });
  });

  it("resends a delivery as a new one to the current URL, 202", async () => {
    const sent: string[] = [];
    const api = standIn({
      callbackHandler: async (request) => {
        sent.push(request.url);
        return Response.json({ error_code: 0 });
      },
    });
    const taskId = await start(api);
    api.trigger(taskId, "start");
    await api.settled();
    const resent = await kit(api, "POST", `deliveries/${taskId}.started/resend`);
    expect(resent).toMatchObject({ status: 202, json: { id: `${taskId}.started.resend1`, resendOf: `${taskId}.started`, status: "pending" } });
    await api.settled();
    expect(api.deliveries(taskId).map((delivery) => [delivery.id, delivery.status])).toEqual([
      [`${taskId}.started.resend1`, "delivered"],
      [`${taskId}.started`, "delivered"],
    ]);
    expect(sent).toHaveLength(2);
    expect(await kit(api, "POST", "deliveries/nope/resend")).toMatchObject({ status: 404 });
  });

  it("shows the settings with the key masked", async () => {
    const api = standIn({ callbackKey: "a-long-callback-key" });
    const { json } = await kit(api, "GET", "settings");
    expect(json).toMatchObject({ sdkAppId, callback: "http://backend.test/cb", callbackKey: "****ey", signatureVerification: false, secretId: null });
    expect(JSON.stringify(json)).not.toContain("a-long-callback-key");
  });

  it("streams changes as server-sent events over HTTP until the client leaves", async () => {
    const api = standIn();
    const server: RunningServer = await serve(api.fetch);
    cleanups.push(() => server.close());
    const controller = new AbortController();
    const response = await fetch(`${server.url}/_kit/events`, { signal: controller.signal });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const taskId = await start(api);
    const changes: KitChange[] = [];
    let buffer = "";
    const deadline = Date.now() + 5000;
    while (!changes.some((change) => change.type === "task") && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const messages = buffer.split("\n\n");
      buffer = messages.pop() ?? "";
      for (const message of messages) if (message.startsWith("data: ")) changes.push(JSON.parse(message.slice(6)) as KitChange);
    }
    expect(changes[0]).toMatchObject({ type: "task", task: { taskId, describe: { Status: "PREPARED" } } });
    controller.abort();
    await reader.cancel().catch(() => {});
  });
});

describe("POST /_kit/settings: the callback URL and key from the dashboard", () => {
  const describeCallback = async (api: TiwApi) => {
    const response = await api.fetch(
      new Request("http://tiw.test/", {
        method: "POST",
        headers: { "X-TC-Action": "DescribeWhiteboardPushCallback", "X-TC-Version": "2019-09-19" },
        body: JSON.stringify({ SdkAppId: sdkAppId }),
      }),
    );
    return ((await response.json()) as { Response: { Callback: string } }).Response.Callback;
  };

  it("sets either or both, as SetWhiteboardPushCallback(Key) do, and answers the new settings with the key masked", async () => {
    const api = standIn();
    const changes: KitChange[] = [];
    api.subscribe((change) => changes.push(change));
    const both = await kit(api, "POST", "settings", { callback: "https://receiver.test/tiw", callbackKey: "a-key-typed-in-the-page" });
    expect(both).toMatchObject({ status: 200, json: { sdkAppId, callback: "https://receiver.test/tiw", callbackKey: "****ge" } });
    expect(JSON.stringify(both.json)).not.toContain("a-key-typed-in-the-page");
    expect(api.callbackSettings()).toEqual({ Callback: "https://receiver.test/tiw", CallbackKey: "a-key-typed-in-the-page" });
    expect(await describeCallback(api)).toBe("https://receiver.test/tiw");
    expect(changes.at(-1)).toMatchObject({ type: "settings", settings: { callback: "https://receiver.test/tiw", callbackKey: "****ge" } });

    expect(await kit(api, "POST", "settings", { callbackKey: "k".repeat(64) })).toMatchObject({ status: 200, json: { callback: "https://receiver.test/tiw", callbackKey: "****kk" } });
    expect(await kit(api, "POST", "settings", { callbackKey: "" })).toMatchObject({ status: 200, json: { callbackKey: "" } });
    expect(await kit(api, "POST", "settings", { callback: "" })).toMatchObject({ status: 200, json: { callback: "" } });
    expect(api.callbackSettings()).toEqual({ Callback: "", CallbackKey: "" });
  });

  it("refuses a URL that is not http(s) with the domain's Tencent code, a key over 64 characters, and anything else, changing nothing", async () => {
    const api = standIn();
    const refused = await kit(api, "POST", "settings", { callback: "ftp://receiver.test/tiw", callbackKey: "never-applied" });
    expect(refused).toEqual({
      status: 400,
      json: { error: "bad_request", message: "InvalidParameter.CallbackAddressFormatError: The callback address `ftp://receiver.test/tiw` is not an http:// or https:// URL." },
    });
    expect(await kit(api, "POST", "settings", { callbackKey: "k".repeat(65) })).toEqual({ status: 400, json: { error: "bad_request", message: "callbackKey must NOT have more than 64 characters" } });
    for (const body of [{ callback: 7 }, { callbackKey: null }, { Callback: "http://x.test" }, "[]", "{nope"]) {
      expect(await kit(api, "POST", "settings", body), JSON.stringify(body)).toMatchObject({ status: 400, json: { error: "bad_request" } });
    }
    expect(api.callbackSettings()).toEqual({ Callback: "http://backend.test/cb", CallbackKey: "control-key" });
  });

  it("refuses a change a page of another origin sends", async () => {
    const api = standIn();
    const response = await api.fetch(new Request("http://tiw.test/_kit/settings", { method: "POST", headers: { origin: "http://evil.test" }, body: JSON.stringify({ callback: "http://evil.test/steal" }) }));
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: "forbidden" });
    expect(api.callbackSettings().Callback).toBe("http://backend.test/cb");
    const same = await api.fetch(new Request("http://tiw.test/_kit/settings", { method: "POST", headers: { origin: "http://tiw.test" }, body: JSON.stringify({ callback: "http://receiver.test/tiw" }) }));
    expect(same.status).toBe(200);
  });
});
