import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReceiver } from "../../src/receiver/reference-receiver.js";
import { serve, type RunningServer } from "../../src/server/node.js";
import { createTiwApi } from "../../src/stand-in/http/tiw-api.js";
import { generate, scenarios } from "../../src/generate/generate.js";
import { stopChild } from "../../scripts/stop-child.js";
import { freePort } from "../../scripts/free-port.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const prismCli = fileURLToPath(new URL("../../node_modules/@stoplight/prism-cli/dist/index.js", import.meta.url));
const key = "prism-test-key";


interface Prism {
  url: string;
  stop(): Promise<void>;
}

/** `prism mock SPEC` (or `prism proxy SPEC UPSTREAM --errors`) on 127.0.0.1, run by this same Node, ready when it says it listens. */
async function prismMock(spec: string, upstream?: string): Promise<Prism> {
  const port = await freePort();
  const mode = upstream === undefined ? ["mock", spec] : ["proxy", spec, upstream, "--errors"];
  const child: ChildProcess = spawn(process.execPath, [prismCli, ...mode, "-p", String(port), "-h", "127.0.0.1"], {
    cwd: root,
    env: { ...process.env, SCARF_ANALYTICS: "false" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stop = () => stopChild(child);
  let output = "";
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`prism did not start within 30 s:\n${output}`)), 30_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("Prism is listening")) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`prism exited with ${code}:\n${output}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, stop };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** A Prism mock of `spec` for the tests of one describe block: started before them, stopped after; gives its URL. */
function prismDuringBlock(spec: string): () => string {
  let prism: Prism | undefined;
  beforeAll(async () => {
    prism = await prismMock(spec);
  });
  afterAll(async () => {
    await prism?.stop();
  });
  return () => prism?.url ?? "http://prism-not-started.invalid";
}

describe("Prism mocking the receiver operation of the callback spec", () => {
  const prismUrl = prismDuringBlock("openapi/tiw-push-callbacks.openapi.yaml");
  const callbackUrl = () => `${prismUrl()}/tiw/whiteboard-push/callback`;

  it.each(scenarios.filter((scenario) => scenario !== "mixed"))("accepts every generated %s event", async (scenario) => {
    const events = generate({ scenario, count: 3, seed: 11, callbackKey: key });
    expect(events.some((event) => event.EventType === "WhiteboardPushStopped" && event.EventData.FinishReason === { "user-call": "USER_CALL", auto: "AUTO", exception: "EXCEPTION" }[scenario])).toBe(true);
    for (const event of events) expect(await post(callbackUrl(), event)).toEqual({ status: 200, json: { error_code: 0 } });
  });

  // Prism answers an invalid request with the operation's own 400 when the spec declares one (ours
  // does: "a body that does not match the schema"), and lists the violations in `sl-violations`.
  it.each([
    ["a string RoomId", (data: object) => ({ ...data, RoomId: "1253" }), "RoomId"],
    ["an unknown FinishReason", (data: object) => ({ ...data, FinishReason: "LATER" }), "FinishReason"],
    ["no TaskId", (data: object) => ({ ...data, TaskId: undefined }), null],
    ["a negative ExceptionCnt", (data: object) => ({ ...data, ExceptionCnt: -1 }), "ExceptionCnt"],
  ])("rejects an event with %s, naming the field", async (_, breakData, field) => {
    const [, stopped] = generate({ scenario: "exception", count: 1, seed: 3, callbackKey: key });
    const response = await fetch(callbackUrl(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...stopped, EventData: breakData(stopped!.EventData) }),
    });
    expect(response.status).toBe(400);
    const violations = JSON.parse(response.headers.get("sl-violations") ?? "[]") as Array<{ location: string[]; severity: string; message: string }>;
    expect(violations.length).toBeGreaterThan(0);
    const where = violations.map((violation) => violation.location.join("."));
    expect(where).toContain(field === null ? "request.body.EventData" : `request.body.EventData.${field}`);
  });

  it("rejects a Sign that is not 32 lowercase hex characters", async () => {
    const [started] = generate({ count: 1, seed: 5, callbackKey: key });
    const response = await fetch(callbackUrl(), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...started, Sign: "ABC" }) });
    expect(response.status).toBe(400);
    expect(response.headers.get("sl-violations")).toContain('"request","body","Sign"');
  });

  it("accepts every callback the stand-in delivers to it", async () => {
    const api = createTiwApi({ timeScale: 0, callback: callbackUrl(), callbackKey: key, retries: 0 });
    try {
      const response = async (action: string, body: object) =>
        api.fetch(new Request("http://tiw.test/", { method: "POST", headers: { "X-TC-Action": action, "X-TC-Version": "2019-09-19" }, body: JSON.stringify(body) }));
      const taskIds: string[] = [];
      for (let i = 0; i < 3; i++) {
        const started = (await (await response("StartWhiteboardPush", { SdkAppId: 1400000001, RoomId: 100 + i, PushUserId: `tic_push_user_${100 + i}_01`, PushUserSig: "s" })).json()) as { Response: { TaskId: string } };
        taskIds.push(started.Response.TaskId);
      }
      api.advance(1);
      const [userCall, auto, exception] = taskIds as [string, string, string];
      api.trigger(userCall, "stop");
      api.trigger(auto, "timeout");
      api.injectException(exception, { ExceptionCnt: 2 });
      await api.settled();
      const deliveries = api.deliveries();
      expect(deliveries).toHaveLength(6);
      for (const delivery of deliveries) expect(delivery).toMatchObject({ status: "delivered", attempts: [{ status: 200 }] });
    } finally {
      await api.close();
    }
  });
});

describe("Prism mocking the stand-in's own API spec", () => {
  const prismUrl = prismDuringBlock("openapi/tiw-push-api.openapi.yaml");
  const headers = (action: string) => ({ "X-TC-Action": action, "X-TC-Version": "2019-09-19" });

  // POST / declares no 400 (Tencent answers errors with 200), so here Prism generates its own 422.
  it("validates Cloud API requests: a good StartWhiteboardPush passes, a bad one or a missing action gets 422", async () => {
    const start = { SdkAppId: 1400000001, RoomId: 1253, PushUserId: "tic_push_user_1253_01", PushUserSig: "sig" };
    expect((await post(`${prismUrl()}/`, start, headers("StartWhiteboardPush"))).status).toBe(200);
    expect((await post(`${prismUrl()}/`, { ...start, AutoStopTimeout: 10 }, headers("StartWhiteboardPush"))).status).toBe(422);
    expect((await post(`${prismUrl()}/`, start, { "X-TC-Version": "2019-09-19" })).status).toBe(422);
    expect((await post(`${prismUrl()}/`, start, headers("StartWhiteboardRecording"))).status).toBe(422);
  });
});

describe("prism proxy --errors in front of the reference receiver (the README recipe)", () => {
  let prism: Prism | undefined;
  let receiverServer: RunningServer | undefined;
  const forwarded: string[] = [];
  beforeAll(async () => {
    const receiver = createReceiver({ callbackKey: key, onEvent: (event) => forwarded.push(event.EventData.TaskId) });
    receiverServer = await serve(receiver.fetch);
    prism = await prismMock("openapi/tiw-push-callbacks.openapi.yaml", receiverServer.url);
  });
  afterAll(async () => {
    await prism?.stop();
    await receiverServer?.close();
  });

  it("forwards valid callbacks and answers a broken one with 422 without forwarding it", async () => {
    const [started, stopped] = generate({ scenario: "auto", count: 1, seed: 9, callbackKey: key });
    const url = `${prism?.url}/tiw/whiteboard-push/callback`;
    expect(await post(url, started)).toEqual({ status: 200, json: { error_code: 0 } });
    const broken = await post(url, { ...stopped, EventData: { ...stopped!.EventData, PushStopTime: "later" } });
    expect(broken.status).toBe(422);
    expect(broken.json.validation).toEqual(expect.arrayContaining([expect.objectContaining({ location: ["body", "EventData", "PushStopTime"] })]));
    expect(forwarded).toEqual([started!.EventData.TaskId]);
  });
});
