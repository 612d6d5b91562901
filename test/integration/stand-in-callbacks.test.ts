import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { openJournal } from "../../src/delivery/index.js";
import { createTiwApi, type TiwApi, type TiwApiOptions } from "../../src/stand-in/http/tiw-api.js";
import type { KitPayload } from "../../src/stand-in/types.js";
import { recordingServer, type RecordingServer } from "../helpers/servers.js";

const callbackKey = "payload-test-key";

/** A receiver over real HTTP that records the bytes of every callback it gets. */
async function receiver(answer?: Parameters<typeof recordingServer>[0]): Promise<RecordingServer> {
  const server = await recordingServer(answer);
  onTestFinished(() => server.close());
  return server;
}

/** A stand-in closed after the test; `closedByTest` leaves closing it to the test. */
function standIn(options: TiwApiOptions, closedByTest = false): TiwApi {
  const api = createTiwApi({ timeScale: 0, callbackKey, retries: 0, ...options });
  if (!closedByTest) onTestFinished(() => api.close());
  return api;
}

async function payload(api: TiwApi, deliveryId: string): Promise<KitPayload> {
  const response = await api.fetch(new Request(`http://127.0.0.1:4010/_kit/deliveries/${deliveryId}/payload`));
  return (await response.json()) as KitPayload;
}

/** How a malformed body is broken: the three ways of the delivery engine. */
function wayBroken(body: string): string {
  let parsed: { EventData: { TaskId?: unknown; RoomId?: unknown } };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return "cut short";
  }
  if (!("TaskId" in parsed.EventData)) return "TaskId missing";
  return typeof parsed.EventData.RoomId === "string" ? "RoomId of the wrong type" : "not broken";
}

describe("the payload dialog shows the bytes the receiver got", () => {
  it("after a retry, the body of the last attempt, which differs from the first", async () => {
    const server = await receiver((_, index) => (index === 0 ? new Response("busy", { status: 503 }) : Response.json({ error_code: 0 })));
    // Each reading of the wall clock a second later: the retry is signed with another ExpireTime.
    let wall = Date.now();
    const api = standIn({ callback: `${server.url}/tiw`, retries: 1, wallClock: () => (wall += 1000) });
    const task = api.createTask();
    api.trigger(task.taskId, "start");
    await api.settled();
    expect(server.bodies).toHaveLength(2);
    expect(server.bodies[0]).not.toBe(server.bodies[1]);
    expect(await payload(api, `${task.taskId}.started`)).toMatchObject({ attempt: 2, exact: true, body: server.bodies[1], signature: { result: "valid" } });
  });

  it("for a chaos burst, every forged body as it went out, each way of breaking a body included", async () => {
    const server = await receiver();
    const api = standIn({ callback: `${server.url}/tiw` });
    const burst = api.sendChaosBurst({ count: 15 });
    await api.settled();
    const payloads = await Promise.all(burst.deliveries.map((delivery) => payload(api, delivery.id)));
    expect(payloads.every((shown) => shown.exact)).toBe(true);
    expect(payloads.map((shown) => shown.body).sort()).toEqual([...server.bodies].sort());
    const malformed = payloads.filter((_, index) => burst.deliveries[index]?.fault === "malformed");
    expect(malformed.map((shown) => wayBroken(shown.body)).sort()).toEqual(["RoomId of the wrong type", "TaskId missing", "cut short"]);
  });

  it("for an unsigned delivery of an earlier run, its journaled body; for a signed one, not known", async () => {
    const server = await receiver();
    const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-payloads-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "earlier.db");
    const firstJournal = openJournal(path);
    const first = standIn({ callback: `${server.url}/tiw`, callbackKey: "", journal: firstJournal }, true);
    const unsigned = first.createTask();
    first.trigger(unsigned.taskId, "start");
    await first.settled();
    await first.close();
    firstJournal.close();

    const secondJournal = openJournal(path);
    const second = standIn({ callback: `${server.url}/tiw`, journal: secondJournal }, true);
    const signed = second.createTask();
    second.trigger(signed.taskId, "start");
    await second.settled();
    expect(await payload(second, `${unsigned.taskId}.started`)).toMatchObject({ exact: true, attempt: 1, body: server.bodies[0] });
    await second.close();
    secondJournal.close();

    const thirdJournal = openJournal(path);
    onTestFinished(() => thirdJournal.close());
    const third = standIn({ callback: `${server.url}/tiw`, journal: thirdJournal });
    expect(await payload(third, `${signed.taskId}.started`)).toMatchObject({ exact: false, attempt: 1, signature: { result: "unknown" } });
  });
});

describe("callbacks to an in-process handler", () => {
  it("arrive at the configured callback URL, signed with the configured key, and follow changes of both", async () => {
    const seen: Array<{ url: string; signed: boolean }> = [];
    const api = standIn({
      callback: "https://backend.test/tiw/callback",
      callbackHandler: async (request) => {
        seen.push({ url: request.url, signed: "Sign" in ((await request.json()) as object) });
        return Response.json({ error_code: 0 });
      },
    });
    const first = api.createTask();
    api.trigger(first.taskId, "start");
    await api.settled();
    const call = (action: string, body: object) =>
      api.fetch(new Request("http://127.0.0.1:4010/", { method: "POST", headers: { "X-TC-Action": action, "X-TC-Version": "2019-09-19" }, body: JSON.stringify({ SdkAppId: 1400000001, ...body }) }));
    await call("SetWhiteboardPushCallback", { Callback: "https://backend.test/other" });
    await call("SetWhiteboardPushCallbackKey", { CallbackKey: "" });
    api.trigger(first.taskId, "stop");
    await api.settled();
    expect(seen).toEqual([
      { url: "https://backend.test/tiw/callback", signed: true },
      { url: "https://backend.test/other", signed: false },
    ]);
  });
});
