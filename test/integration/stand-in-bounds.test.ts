import { afterEach, describe, expect, it } from "vitest";
import { createTiwApi, type TiwApi } from "../../src/stand-in/http/tiw-api.js";

const apis: TiwApi[] = [];
afterEach(async () => {
  await Promise.all(apis.splice(0).map((api) => api.close()));
});

function standIn(): TiwApi {
  const api = createTiwApi({ timeScale: 0, prepareSeconds: 0, callback: "http://backend.test/cb", callbackKey: "bounds-key", retries: 0, callbackHandler: async () => Response.json({ error_code: 0 }) });
  apis.push(api);
  return api;
}

describe("the stand-in bounds what one client or one task can make it hold", () => {
  it("keeps one activity entry per run of activity: a task's timeline does not grow with /activity calls", () => {
    const api = standIn();
    const { taskId } = api.createTask();
    api.advance(1);
    for (let i = 0; i < 1000; i++) {
      api.clock.advance(1000);
      api.trigger(taskId, "activity");
    }
    const timeline = api.task(taskId)?.timeline ?? [];
    expect(timeline.filter((entry) => entry.kind === "activity")).toHaveLength(1);
    expect(timeline.length).toBeLessThan(6);
    expect(timeline.at(-1)).toMatchObject({ kind: "activity", at: api.clock.now() });
  });

  it("disconnects an event-stream client that does not read, instead of queueing changes for it without end", async () => {
    const api = standIn();
    const response = await api.fetch(new Request("http://127.0.0.1/_kit/events"));
    const reader = response.body!.getReader();
    // Many changes while the client reads nothing: each clock move is one change of ~150 bytes.
    for (let i = 0; i < 20_000; i++) api.advance(1);
    let received = 0;
    const ended = await (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return "closed";
          received += value.byteLength;
        }
      } catch {
        return "errored";
      }
    })();
    expect(ended).toBe("errored");
    // What was queued for the slow client stayed near the stream's high-water mark, not 20,000 changes.
    expect(received).toBeLessThan(1024 * 1024);
  });
});

describe("the stand-in never puts an internal message in an answer", () => {
  it("answers a request whose body breaks while read with InternalError and no detail", async () => {
    const api = standIn();
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error("socket detail: 10.0.0.7 ECONNRESET"));
      },
    });
    const response = await api.fetch(
      new Request("http://127.0.0.1/", { method: "POST", headers: { "x-tc-action": "DescribeWhiteboardPush", "x-tc-version": "2019-09-19" }, body: broken, duplex: "half" } as RequestInit),
    );
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ Response: { Error: { Code: "InternalError" } } });
    expect(text).not.toContain("socket detail");
  });
});
