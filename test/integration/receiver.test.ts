import { describe, expect, it } from "vitest";
import { createReceiver } from "../../src/receiver/reference-receiver.js";
import { generate } from "../../src/generate/generate.js";
import { withSignature } from "../../src/tiw/signing.js";
import { serve } from "../../src/server/node.js";
import type { WhiteboardPushEvent } from "../../src/tiw/events.js";

const key = "receiver-test-key";
const now = 1700000000;
const post = (body: unknown) => new Request("http://receiver.test/tiw/whiteboard-push/callback", { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });
const newReceiver = () => createReceiver({ callbackKey: key, sdkAppId: 1400000001, now: () => now });
const signedNow = (event: WhiteboardPushEvent) => withSignature(event, key, now + 300);

describe("reference receiver", () => {
  it("acknowledges a whole mixed run with 200 {error_code:0} and ends every task STOPPED", async () => {
    const receiver = newReceiver();
    const events = generate({ count: 30, seed: 8, now, callbackKey: key }).map(signedNow);
    for (const event of events) {
      const response = await receiver.fetch(post(event));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ error_code: 0 });
    }
    expect(receiver.tasks.size).toBe(30);
    for (const task of receiver.tasks.values()) expect(task).toMatchObject({ Status: "STOPPED", StartedReceived: true });
  });

  it.each([
    ["a wrong Sign", (e: WhiteboardPushEvent) => withSignature(e, "other-key", now + 300), 401, "bad_signature"],
    ["an expired ExpireTime", (e: WhiteboardPushEvent) => withSignature(e, key, now - 1), 401, "expired"],
    ["a foreign SdkAppId", (e: WhiteboardPushEvent) => signedNow({ ...e, SdkAppId: 1400000002 }), 403, "wrong_app"],
    ["a missing Sign", (e: WhiteboardPushEvent) => ({ ...e, Sign: undefined }), 401, "missing_signature"],
  ] as const)("rejects %s", async (_, forge, status, reason) => {
    const [started] = generate({ count: 1, seed: 2, now });
    const response = await newReceiver().fetch(post(forge(started!)));
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ reason });
  });

  it("rejects malformed JSON with 400 and an oversized body with 413, and stays correct after", async () => {
    const receiver = newReceiver();
    expect((await receiver.fetch(post("{nope"))).status).toBe(400);
    expect((await receiver.fetch(post("x".repeat(2 * 1024 * 1024)))).status).toBe(413);
    const [started] = generate({ count: 1, seed: 2, now }).map(signedNow);
    expect((await receiver.fetch(post(started))).status).toBe(200);
  });

  it("applies a duplicate once and a Stopped-before-Started in either order", async () => {
    const receiver = newReceiver();
    const [started, stopped] = generate({ count: 1, seed: 4, now, scenario: "exception" }).map(signedNow);
    expect((await receiver.fetch(post(stopped))).status).toBe(200);
    expect((await receiver.fetch(post(stopped))).status).toBe(200);
    expect((await receiver.fetch(post(started))).status).toBe(200);
    const task = receiver.tasks.get(started!.EventData.TaskId);
    expect(task).toMatchObject({ Status: "STOPPED", FinishReason: "EXCEPTION", StartedReceived: true, Received: { WhiteboardPushStarted: 1, WhiteboardPushStopped: 2 } });
    const state = await receiver.fetch(new Request(`http://receiver.test/tasks/${started!.EventData.TaskId}`));
    expect(await state.json()).toMatchObject({ Status: "STOPPED", Error: { Code: expect.stringMatching(/^FailedOperation\./) } });
    expect((await receiver.fetch(new Request("http://receiver.test/tasks/unknown"))).status).toBe(404);
    expect((await receiver.fetch(new Request("http://receiver.test/tasks/%E0%A4%A"))).status).toBe(404);
  });

  it("refuses to start without a callback key, instead of accepting forgeries", () => {
    for (const callbackKey of ["", undefined]) {
      expect(() => createReceiver({ callbackKey: callbackKey as unknown as string })).toThrow(/^tiw-push-kit: callbackKey must be a non-empty string/);
    }
  });

  it("rejects an unconfirmed task with 409 when hardened", async () => {
    const receiver = createReceiver({ callbackKey: key, now: () => now, confirm: async () => false });
    const [started] = generate({ count: 1, seed: 2, now }).map(signedNow);
    expect((await receiver.fetch(post(started))).status).toBe(409);
    expect(receiver.tasks.size).toBe(0);
  });

  it("serves over HTTP on 127.0.0.1 through the node adapter, and a throwing handler gets a 500", async () => {
    const receiver = newReceiver();
    const server = await serve(receiver.fetch);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const [started] = generate({ count: 1, seed: 2, now }).map(signedNow);
      const response = await fetch(`${server.url}/tiw/whiteboard-push/callback`, { method: "POST", body: JSON.stringify(started) });
      expect(response.status).toBe(200);
    } finally {
      await server.close();
    }
    const failing = await serve(async () => {
      throw new Error("boom");
    });
    try {
      expect((await fetch(failing.url)).status).toBe(500);
    } finally {
      await failing.close();
    }
  });
});

describe("node adapter", () => {
  it("stops reading an endless response body once the client disconnects", async () => {
    let pulled = 0;
    let cancelled = false;
    const server = await serve(async () =>
      new Response(
        new ReadableStream({
          pull(controller) {
            pulled++;
            controller.enqueue(new Uint8Array(1024));
          },
          cancel() {
            cancelled = true;
          },
        }),
      ),
    );
    try {
      const controller = new AbortController();
      const response = await fetch(server.url, { signal: controller.signal });
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort();
      await expect.poll(() => cancelled, { timeout: 5000 }).toBe(true);
      const pulledAfterCancel = pulled;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(pulled).toBe(pulledAfterCancel);
    } finally {
      await server.close();
    }
  });
});
