// Over 300 lines: the Cloud API stand-in's behaviour end to end (life cycle, callbacks, errors per action), one describe per concern; split by concern if it grows.
import { readdirSync, readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, describe, expect, it } from "vitest";
import { createReceiver } from "../../src/receiver/reference-receiver.js";
import { forgetOldest } from "../../src/stand-in/forget-oldest.js";
import { createTiwApi, type TiwApi, type TiwApiOptions } from "../../src/stand-in/http/tiw-api.js";
import { verifyCallback } from "../../src/receiver/verify-callback.js";
import { validateEvent } from "../../src/spec/validation.js";
import type { WhiteboardPushEvent, WhiteboardPushStoppedEvent } from "../../src/tiw/events.js";

const sdkAppId = 1400000001;
const key = "cloud-api-test-key";
const callbackUrl = "http://backend.test/tiw/callback";
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The response schemas of the spec, compiled independently of the stand-in's own validators. */
const responseSchemas = (() => {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
  const base = "https://tiw-push-kit.local/schemas/";
  for (const folder of ["", "api/"]) {
    const dir = new URL(`../../openapi/schemas/${folder}`, import.meta.url);
    for (const file of readdirSync(dir).filter((name) => name.endsWith(".json"))) {
      ajv.addSchema({ ...JSON.parse(readFileSync(new URL(file, dir), "utf8")), $id: `${base}${folder}${file}` });
    }
  }
  const schemaOf = (name: string) => {
    const validate = ajv.getSchema(`${base}api/${name}.json`);
    if (!validate) throw new Error(`no schema ${name}`);
    return validate;
  };
  return {
    SetWhiteboardPushCallback: schemaOf("EmptyResponse"),
    SetWhiteboardPushCallbackKey: schemaOf("EmptyResponse"),
    DescribeWhiteboardPushCallback: schemaOf("DescribeWhiteboardPushCallbackResponse"),
    StartWhiteboardPush: schemaOf("StartWhiteboardPushResponse"),
    StopWhiteboardPush: schemaOf("StopWhiteboardPushResponse"),
    DescribeWhiteboardPush: schemaOf("DescribeWhiteboardPushResponse"),
    Error: schemaOf("ErrorResponse"),
  } as Record<string, ReturnType<typeof schemaOf>>;
})();

interface Answer {
  status: number;
  response: Record<string, unknown> & { RequestId: string; Error?: { Code: string; Message: string } };
}

/** Calls an action as a client would, and checks the answer against the spec's response schema. */
async function call(api: TiwApi, action: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await api.fetch(
    new Request("http://tiw.test/", {
      method: "POST",
      headers: { "content-type": "application/json", "X-TC-Action": action, "X-TC-Version": "2019-09-19", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
  const { Response: answer } = (await response.json()) as { Response: Answer["response"] };
  const schema = answer.Error ? responseSchemas.Error : responseSchemas[action];
  if (schema && !schema(answer)) throw new Error(`${action} answer breaks the spec: ${JSON.stringify(schema.errors)}`);
  return { status: response.status, response: answer };
}

const apis: TiwApi[] = [];
afterEach(async () => {
  await Promise.all(apis.splice(0).map((api) => api.close()));
});

/** A stand-in on a frozen clock whose callbacks reach an in-process reference receiver. */
function standIn(options: TiwApiOptions = {}) {
  const received: WhiteboardPushEvent[] = [];
  const receiver = createReceiver({ callbackKey: key, sdkAppId, onEvent: (event) => received.push(event) });
  const api = createTiwApi({ timeScale: 0, callback: callbackUrl, callbackKey: key, callbackHandler: receiver.fetch, retries: 0, ...options });
  apis.push(api);
  return { api, received, receiver };
}

const startBody = { SdkAppId: sdkAppId, RoomId: 880528, PushUserId: "tic_push_user_880528_01", PushUserSig: "sig" };

async function startTask(api: TiwApi, extra: object = {}): Promise<string> {
  const { response } = await call(api, "StartWhiteboardPush", { ...startBody, ...extra });
  expect(response.Error).toBeUndefined();
  return response.TaskId as string;
}

async function describeTask(api: TiwApi, taskId: string) {
  return (await call(api, "DescribeWhiteboardPush", { SdkAppId: sdkAppId, TaskId: taskId })).response;
}

describe("TIW API stand-in: task life cycle", () => {
  it("runs start, PREPARED, PUSHING, stop with USER_CALL; the signed callbacks agree with Describe", async () => {
    const { api, received } = standIn({ callback: undefined, callbackKey: undefined });
    expect((await call(api, "SetWhiteboardPushCallback", { SdkAppId: sdkAppId, Callback: callbackUrl })).response.Error).toBeUndefined();
    expect((await call(api, "SetWhiteboardPushCallbackKey", { SdkAppId: sdkAppId, CallbackKey: key })).response.Error).toBeUndefined();
    // Without TC3 anyone on the machine could ask: the key is masked unless the user opts in.
    expect((await call(api, "DescribeWhiteboardPushCallback", { SdkAppId: sdkAppId })).response).toMatchObject({ Callback: callbackUrl, CallbackKey: expect.stringMatching(/^\*{4}.{0,2}$/) });
    const revealing = createTiwApi({ timeScale: 0, callbackKey: key, revealCallbackKey: true });
    apis.push(revealing);
    expect((await call(revealing, "DescribeWhiteboardPushCallback", { SdkAppId: sdkAppId })).response).toMatchObject({ CallbackKey: key });

    const { status, response } = await call(api, "StartWhiteboardPush", startBody);
    expect(status).toBe(200);
    expect(response.RequestId).toMatch(uuid);
    const taskId = response.TaskId as string;
    expect(taskId).toMatch(/^[a-z0-9]{20}$/);
    expect(await describeTask(api, taskId)).toMatchObject({ Status: "PREPARED", PushStartTime: 0, PushStopTime: 0, FinishReason: "" });

    api.advance(1);
    await api.settled();
    const pushing = await describeTask(api, taskId);
    expect(pushing).toMatchObject({ Status: "PUSHING", GroupId: "880528", FinishReason: "" });
    expect(received.map((event) => event.EventType)).toEqual(["WhiteboardPushStarted"]);
    expect(received[0]?.EventData).toEqual({ TaskId: taskId, RoomId: 880528, PushUserId: startBody.PushUserId, PushStartTime: pushing.PushStartTime });

    api.advance(125);
    expect((await call(api, "StopWhiteboardPush", { SdkAppId: sdkAppId, TaskId: taskId })).response).toMatchObject({ Backup: null });
    await api.settled();
    const stopped = await describeTask(api, taskId);
    expect(stopped).toMatchObject({ Status: "STOPPED", FinishReason: "USER_CALL", ExceptionCnt: 0 });
    expect((stopped.PushStopTime as number) - (stopped.PushStartTime as number)).toBe(125);

    expect(received.map((event) => event.EventType)).toEqual(["WhiteboardPushStarted", "WhiteboardPushStopped"]);
    const stoppedEvent = received[1] as WhiteboardPushStoppedEvent;
    const describedData = Object.fromEntries(Object.entries(stopped).filter(([field]) => !["RequestId", "Status", "Backup"].includes(field)));
    expect(stoppedEvent.EventData).toEqual(describedData);
    expect(stoppedEvent.EventData.Error).toBeUndefined();
    expect(stoppedEvent).toMatchObject({ SdkAppId: sdkAppId, Timestamp: stopped.PushStopTime });
  });

  it("signs every callback with the configured key, valid against the spec", async () => {
    const { api } = standIn();
    const taskId = await startTask(api);
    api.advance(1);
    await call(api, "StopWhiteboardPush", { SdkAppId: sdkAppId, TaskId: taskId });
    await api.settled();
    const deliveries = api.deliveries(taskId);
    expect(deliveries.map((delivery) => delivery.status)).toEqual(["delivered", "delivered"]);
    for (const delivery of deliveries) {
      expect(validateEvent(delivery.event).ok).toBe(true);
      expect(delivery.attempts).toHaveLength(1);
      expect(delivery.attempts[0]).toMatchObject({ status: 200, error: null });
    }
  });

  it("stops with AUTO after AutoStopTimeout idle seconds; a whiteboard operation restarts the timer", async () => {
    const { api, received } = standIn();
    const taskId = await startTask(api, { AutoStopTimeout: 300 });
    api.advance(1);
    api.advance(200);
    api.trigger(taskId, "activity");
    api.advance(299);
    expect((await describeTask(api, taskId)).Status).toBe("PUSHING");
    api.advance(1);
    await api.settled();
    const stopped = await describeTask(api, taskId);
    expect(stopped).toMatchObject({ Status: "STOPPED", FinishReason: "AUTO", ExceptionCnt: 0 });
    expect((stopped.PushStopTime as number) - (stopped.PushStartTime as number)).toBe(500);
    const stoppedEvent = received.at(-1) as WhiteboardPushStoppedEvent;
    expect(stoppedEvent.EventData).toMatchObject({ FinishReason: "AUTO", PushStopTime: stopped.PushStopTime });
    expect(api.task(taskId)?.timeline.map((entry) => entry.kind)).toEqual(["created", "started", "activity", "stopped"]);
  });

  it("crosses a whole task in one clock advance: Started and Stopped fire at their own times", async () => {
    const { api, received } = standIn();
    const taskId = await startTask(api);
    api.advance(3 * 3600);
    await api.settled();
    const stopped = await describeTask(api, taskId);
    expect(stopped).toMatchObject({ Status: "STOPPED", FinishReason: "AUTO" });
    expect((stopped.PushStopTime as number) - (stopped.PushStartTime as number)).toBe(1800);
    expect(received.map((event) => [event.EventType, event.Timestamp])).toEqual([
      ["WhiteboardPushStarted", stopped.PushStartTime],
      ["WhiteboardPushStopped", stopped.PushStopTime],
    ]);
  });

  it("ends with EXCEPTION, ExceptionCnt and Error only when a fault is injected", async () => {
    const { api, received } = standIn();
    const taskId = await startTask(api);
    api.advance(1);
    const task = api.injectException(taskId, { Code: "FailedOperation.Record", Message: "recording died", ExceptionCnt: 3 });
    expect(task.describe).toMatchObject({ Status: "STOPPED", FinishReason: "EXCEPTION", ExceptionCnt: 3 });
    expect(task.error).toEqual({ Code: "FailedOperation.Record", Message: "recording died" });
    await api.settled();
    expect(received.at(-1)?.EventData).toMatchObject({ FinishReason: "EXCEPTION", ExceptionCnt: 3, Error: { Code: "FailedOperation.Record" } });
    expect(await describeTask(api, taskId)).toMatchObject({ FinishReason: "EXCEPTION", ExceptionCnt: 3 });
  });

  it("delivers Started before Stopped when a task is stopped while PREPARED", async () => {
    const { api, received } = standIn();
    const taskId = await startTask(api);
    await call(api, "StopWhiteboardPush", { SdkAppId: sdkAppId, TaskId: taskId });
    await api.settled();
    expect(received.map((event) => event.EventType)).toEqual(["WhiteboardPushStarted", "WhiteboardPushStopped"]);
    const stopped = await describeTask(api, taskId);
    expect(stopped).toMatchObject({ Status: "STOPPED", FinishReason: "USER_CALL" });
    expect(stopped.PushStartTime).toBeGreaterThan(0);
  });

  it("uses GroupId when given, and the decimal RoomId otherwise", async () => {
    const { api, received } = standIn();
    const withGroup = await startTask(api, { GroupId: "class-7" });
    const without = await startTask(api, { RoomId: 42 });
    api.advance(1);
    api.trigger(withGroup, "stop");
    api.trigger(without, "stop");
    await api.settled();
    const groups = Object.fromEntries(received.filter((e) => e.EventType === "WhiteboardPushStopped").map((e) => [e.EventData.TaskId, (e as WhiteboardPushStoppedEvent).EventData.GroupId]));
    expect(groups).toEqual({ [withGroup]: "class-7", [without]: "42" });
  });

  it("follows callback URL and key changes at runtime, and sends nothing without a URL", async () => {
    const received: Array<{ url: string; body: string }> = [];
    const api = createTiwApi({
      timeScale: 0,
      retries: 0,
      callback: "http://first.test/cb",
      callbackKey: "first-key",
      fetch: async (input, init) => {
        received.push({ url: String(input), body: String(init?.body) });
        return Response.json({ error_code: 0 });
      },
    });
    apis.push(api);
    const first = await startTask(api);
    api.advance(1);
    await api.settled();
    await call(api, "SetWhiteboardPushCallback", { SdkAppId: sdkAppId, Callback: "https://second.test/cb" });
    await call(api, "SetWhiteboardPushCallbackKey", { SdkAppId: sdkAppId, CallbackKey: "second-key" });
    await call(api, "StopWhiteboardPush", { SdkAppId: sdkAppId, TaskId: first });
    await api.settled();
    expect(received.map(({ url }) => url)).toEqual(["http://first.test/cb", "https://second.test/cb"]);
    expect(verifyCallback(received[0]!.body, { callbackKey: "first-key", now: Math.floor(api.clock.now() / 1000) }).ok).toBe(true);
    expect(verifyCallback(received[1]!.body, { callbackKey: "second-key", now: Math.floor(api.clock.now() / 1000) }).ok).toBe(true);

    await call(api, "SetWhiteboardPushCallbackKey", { SdkAppId: sdkAppId, CallbackKey: "" });
    const unsigned = await startTask(api);
    api.advance(1);
    await api.settled();
    expect(JSON.parse(received[2]!.body)).not.toHaveProperty("Sign");

    await call(api, "SetWhiteboardPushCallback", { SdkAppId: sdkAppId, Callback: "" });
    expect((await call(api, "DescribeWhiteboardPushCallback", { SdkAppId: sdkAppId })).response).toMatchObject({ Callback: "", CallbackKey: "" });
    api.trigger(unsigned, "stop");
    await api.settled();
    expect(received).toHaveLength(3);
    expect(api.deliveries(unsigned)).toHaveLength(1);
  });

  it("retries a callback the receiver refused, through the delivery engine", async () => {
    let calls = 0;
    const api = createTiwApi({
      timeScale: 0,
      retries: 2,
      callback: callbackUrl,
      callbackHandler: async () => (++calls === 1 ? new Response("busy", { status: 503 }) : Response.json({ error_code: 0 })),
    });
    apis.push(api);
    await startTask(api);
    api.advance(1);
    await api.settled();
    const [delivery] = api.deliveries();
    expect(delivery?.status).toBe("delivered");
    expect(delivery?.attempts.map((attempt) => attempt.status)).toEqual([503, 200]);
    expect(delivery?.attempts[0]?.error).toBe("HTTP 503");
  });
});

describe("TIW API stand-in: errors in Tencent's shape", () => {
  const stop = { SdkAppId: sdkAppId, TaskId: "nosuchtask0000000000" };
  it.each([
    ["a missing parameter", "StartWhiteboardPush", { SdkAppId: sdkAppId, RoomId: 1, PushUserId: "u" }, "MissingParameter", "PushUserSig"],
    ["a missing nested parameter", "StartWhiteboardPush", { ...startBody, Backup: { PushUserId: "b" } }, "MissingParameter", "Backup.PushUserSig"],
    ["an unknown parameter", "StopWhiteboardPush", { ...stop, Force: true }, "UnknownParameter", "Force"],
    ["a string RoomId", "StartWhiteboardPush", { ...startBody, RoomId: "880528" }, "InvalidParameter.BodyParameterTypeUnmatched", "RoomId"],
    ["a fractional SdkAppId", "DescribeWhiteboardPush", { ...stop, SdkAppId: 1.5 }, "InvalidParameter.BodyParameterTypeUnmatched", "SdkAppId"],
    ["a boolean in a nested object", "StartWhiteboardPush", { ...startBody, Whiteboard: { Width: true } }, "InvalidParameter.BodyParameterTypeUnmatched", "Whiteboard.Width"],
    ["AutoStopTimeout 10", "StartWhiteboardPush", { ...startBody, AutoStopTimeout: 10 }, "InvalidParameterValue", "AutoStopTimeout"],
    ["VideoFPS 31", "StartWhiteboardPush", { ...startBody, VideoFPS: 31 }, "InvalidParameterValue", "VideoFPS"],
    ["VideoBitrate 2001", "StartWhiteboardPush", { ...startBody, VideoBitrate: 2001 }, "InvalidParameterValue", "VideoBitrate"],
    ["RoomId 0", "StartWhiteboardPush", { ...startBody, RoomId: 0 }, "InvalidParameterValue", "RoomId"],
    ["a 61-character PushUserId", "StartWhiteboardPush", { ...startBody, PushUserId: "u".repeat(61) }, "InvalidParameterValue", "PushUserId"],
    ["a RecordId with a space", "StartWhiteboardPush", { ...startBody, UserDefinedRecordId: "a b" }, "InvalidParameterValue", "UserDefinedRecordId"],
    ["an unknown room mode", "StartWhiteboardPush", { ...startBody, TRTCEnterRoomMode: "Karaoke" }, "InvalidParameterValue", "TRTCEnterRoomMode"],
    ["a 65-character callback key", "SetWhiteboardPushCallbackKey", { SdkAppId: sdkAppId, CallbackKey: "k".repeat(65) }, "InvalidParameterValue", "CallbackKey"],
    ["an ftp callback", "SetWhiteboardPushCallback", { SdkAppId: sdkAppId, Callback: "ftp://backend.test/cb" }, "InvalidParameter.CallbackAddressFormatError", "ftp://"],
    ["a callback that is no URL", "SetWhiteboardPushCallback", { SdkAppId: sdkAppId, Callback: "http://" }, "InvalidParameter.CallbackAddressFormatError", "http://"],
    ["a foreign SdkAppId", "DescribeWhiteboardPushCallback", { SdkAppId: 1400000002 }, "UnauthorizedOperation.SdkAppId", "1400000002"],
    ["an unknown task", "DescribeWhiteboardPush", stop, "InvalidParameter.TaskNotFound", stop.TaskId],
    ["a body that is no object", "DescribeWhiteboardPush", [1, 2], "InvalidParameter", "JSON object"],
    ["malformed JSON", "DescribeWhiteboardPush", "{nope", "InvalidParameter", "not valid JSON"],
    ["an unknown action", "StartWhiteboardRecording", {}, "InvalidAction", "StartWhiteboardRecording"],
  ])("answers %s with HTTP 200 and %s", async (_, action, body, code, mention) => {
    const { api } = standIn();
    const { status, response } = await call(api, action, body);
    expect(status).toBe(200);
    expect(response.RequestId).toMatch(uuid);
    expect(response.Error?.Code).toBe(code);
    expect(response.Error?.Message).toContain(mention);
  });

  it("accepts every documented StartWhiteboardPush field", async () => {
    const { api } = standIn();
    const taskId = await startTask(api, {
      Whiteboard: { Width: 1280, Height: 960, InitParam: "{}" },
      AutoStopTimeout: 259200,
      AutoManageBackup: true,
      Backup: { PushUserId: "tic_push_user_880528_02", PushUserSig: "sig2" },
      PrivateMapKey: "pmk",
      VideoFPS: 0,
      VideoBitrate: 2000,
      AutoRecord: true,
      UserDefinedRecordId: "rec_1-a",
      AutoPublish: false,
      UserDefinedStreamId: "stream_1",
      ExtraData: "x",
      TRTCRoomId: 4294967295,
      TRTCRoomIdStr: "room-a",
      IMAuthParam: { SdkAppId: 1400000009, UserId: "im", UserSig: "s" },
      TRTCAuthParam: { SdkAppId: 1400000010, UserId: "trtc", UserSig: "s" },
      TRTCEnterRoomMode: "TRTCAppSceneLIVE",
      GroupId: "group-1",
    });
    expect(api.task(taskId)).toMatchObject({ autoStopTimeout: 259200, describe: { GroupId: "group-1" } });
  });

  it("refuses to stop a stopped task, a missing or foreign action header, a wrong version and GET", async () => {
    const { api } = standIn();
    const taskId = await startTask(api);
    await call(api, "StopWhiteboardPush", { SdkAppId: sdkAppId, TaskId: taskId });
    expect((await call(api, "StopWhiteboardPush", { SdkAppId: sdkAppId, TaskId: taskId })).response.Error?.Code).toBe("UnsupportedOperation.TaskHasAlreadyStopped");
    const headerless = await api.fetch(new Request("http://tiw.test/", { method: "POST", body: "{}" }));
    expect(await headerless.json()).toMatchObject({ Response: { Error: { Code: "MissingParameter", Message: expect.stringContaining("X-TC-Action") } } });
    expect((await call(api, "DescribeWhiteboardPushCallback", { SdkAppId: sdkAppId }, { "X-TC-Version": "2020-01-01" })).response.Error?.Code).toBe("NoSuchVersion");
    const get = await api.fetch(new Request("http://tiw.test/"));
    expect(await get.json()).toMatchObject({ Response: { Error: { Code: "UnsupportedOperation" } } });
  });

  it("rejects an oversized body with RequestSizeLimitExceeded without reading it all", async () => {
    const { api } = standIn({ maxBodyBytes: 1024 });
    const { response } = await call(api, "StartWhiteboardPush", { ...startBody, ExtraData: "x".repeat(4096) });
    expect(response.Error?.Code).toBe("RequestSizeLimitExceeded");
  });

  it("limits each action to 20 calls per second, separately, and can be turned off", async () => {
    let now = 1_700_000_000_000;
    const { api } = standIn({ wallClock: () => now });
    const describeCallback = () => call(api, "DescribeWhiteboardPushCallback", { SdkAppId: sdkAppId });
    for (let i = 0; i < 20; i++) expect((await describeCallback()).response.Error).toBeUndefined();
    expect((await describeCallback()).response.Error?.Code).toBe("RequestLimitExceeded");
    expect((await call(api, "DescribeWhiteboardPush", { SdkAppId: sdkAppId, TaskId: "x" })).response.Error?.Code).toBe("InvalidParameter.TaskNotFound");
    now += 1000;
    expect((await describeCallback()).response.Error).toBeUndefined();

    const { api: unlimited } = standIn({ rateLimit: false, wallClock: () => now });
    for (let i = 0; i < 50; i++) expect((await call(unlimited, "DescribeWhiteboardPushCallback", { SdkAppId: sdkAppId })).response.Error).toBeUndefined();
  });

  it("never crashes: whatever the body, the answer is Tencent's envelope", async () => {
    const { api } = standIn();
    for (const body of ["", "null", "42", '"text"', "[]", "{}", '{"SdkAppId":null}', "\u0000", '{"SdkAppId":1400000001,"TaskId":{"$gt":""}}']) {
      for (const action of ["StartWhiteboardPush", "StopWhiteboardPush", "DescribeWhiteboardPush", "SetWhiteboardPushCallback"]) {
        const { status, response } = await call(api, action, body);
        expect(status).toBe(200);
        expect(response.Error?.Code).toMatch(/^(InvalidParameter|MissingParameter|InvalidParameter\.BodyParameterTypeUnmatched)$/);
      }
    }
  });
});

describe("TIW API stand-in: subscriptions", () => {
  it("tells subscribers about task, delivery, settings and clock changes until they unsubscribe", async () => {
    const { api } = standIn();
    const seen: string[] = [];
    const unsubscribe = api.subscribe((change) => seen.push(change.type === "task" ? `task:${change.task.timeline.at(-1)?.kind}` : change.type));
    const taskId = await startTask(api);
    api.advance(1);
    await api.settled();
    await call(api, "SetWhiteboardPushCallbackKey", { SdkAppId: sdkAppId, CallbackKey: key });
    unsubscribe();
    api.trigger(taskId, "stop");
    await api.settled();
    expect(seen).toEqual(["task:created", "delivery", "task:started", "clock", "delivery", "delivery", "settings"]);
  });

  it("masks the callback key and SecretId in the settings", () => {
    const { api } = standIn({ credentials: { secretId: "AKIDsecretid0001", secretKey: "very-secret" } });
    const settings = api.settings();
    expect(settings).toMatchObject({ callbackKey: "****ey", secretId: "****01", signatureVerification: true, rateLimit: 20 });
    expect(JSON.stringify(settings)).not.toContain(key);
    expect(JSON.stringify(settings)).not.toContain("very-secret");
  });
});

describe("forgetOldest (what bounds tasks, deliveries and chaos bursts)", () => {
  it("deletes the oldest settled entries until at most max remain, and never an unsettled one", () => {
    const entries = new Map([
      ["a", "settled"],
      ["b", "pending"],
      ["c", "settled"],
      ["d", "settled"],
      ["e", "pending"],
    ]);
    forgetOldest(entries, 3, (state) => state === "settled");
    expect([...entries.keys()]).toEqual(["b", "d", "e"]);
    forgetOldest(entries, 1, (state) => state === "settled");
    expect([...entries.keys()]).toEqual(["b", "e"]);
  });

  it("leaves a map at or below max untouched", () => {
    const entries = new Map([["a", "settled"]]);
    forgetOldest(entries, 1, () => true);
    expect([...entries.keys()]).toEqual(["a"]);
  });
});
