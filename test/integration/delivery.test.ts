import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createReceiver } from "../../src/receiver/reference-receiver.js";
import { serve } from "../../src/server/node.js";
import { backoffDelay, createDeliverer, defaultRetryPolicy, deliveryProfiles, openJournal, type AttemptRecord, type SentAttempt } from "../../src/delivery/index.js";
import { generate } from "../../src/generate/generate.js";
import type { WhiteboardPushEvent } from "../../src/tiw/events.js";
import { recordingServer, refusedUrl } from "../helpers/servers.js";

const key = "delivery-test-key";
const md5 = (text: string) => createHash("md5").update(text).digest("hex");
const [started, stopped] = generate({ count: 1, seed: 3, now: 1_700_000_000 }) as [WhiteboardPushEvent, WhiteboardPushEvent];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A virtual clock: `sleep` advances it instead of waiting, so backoff costs no real time. */
function virtualClock(start = 1_700_000_000_000) {
  const clock = { ms: start, sleeps: [] as number[] };
  return {
    clock,
    now: () => clock.ms,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.ms += ms;
    },
  };
}

describe("createDeliverer", () => {
  it("retries a 500 with exponential backoff, re-signing every attempt with a fresh ExpireTime, until a 200", async () => {
    const server = await recordingServer((_, index) => (index < 2 ? new Response("try later", { status: 500 }) : Response.json({ error_code: 0 })));
    closers.push(server.close);
    const { clock, now, sleep } = virtualClock();
    const journal = openJournal(":memory:");
    const seen: AttemptRecord[] = [];
    const deliverer = createDeliverer({
      target: `${server.url}/callback`,
      callbackKey: key,
      ...deliveryProfiles.backoff,
      initialBackoffMs: 10_000,
      journal,
      now,
      sleep,
      random: () => 0.5,
      onAttempt: (attempt) => seen.push(attempt),
    });

    const outcome = await deliverer.deliver(started);

    expect(outcome).toMatchObject({ status: "delivered", attempts: 3, statusCode: 200, forged: false });
    // Equal jitter with random() = 0.5: three quarters of the 10 s and 20 s steps.
    expect(clock.sleeps).toEqual([7_500, 15_000]);
    const bodies = server.bodies.map((body) => JSON.parse(body) as WhiteboardPushEvent);
    const expiries = bodies.map((body) => body.ExpireTime);
    expect(expiries).toEqual([1_700_000_300, 1_700_000_307, 1_700_000_322]);
    for (const body of bodies) {
      expect(body.Sign).toBe(md5(key + String(body.ExpireTime)));
      expect(body.Timestamp).toBe(started.Timestamp);
    }
    expect(seen.map((attempt) => attempt.statusCode)).toEqual([500, 500, 200]);
    expect(seen[0]?.responseSnippet).toBe("try later");
    expect(journal.listAttempts(outcome.eventId).map((attempt) => attempt.statusCode)).toEqual([500, 500, 200]);
    expect(journal.getEvent(outcome.eventId)).toMatchObject({ status: "delivered", attempts: 3, lastStatusCode: 200, signed: true, taskId: started.EventData.TaskId });
  });

  it("times out an attempt that gets no answer, retries it, and reports the timeout", async () => {
    const hanging = await serve((request) => new Promise<Response>((resolve) => request.signal.addEventListener("abort", () => resolve(new Response(null)))));
    closers.push(hanging.close);
    const deliverer = createDeliverer({ target: hanging.url, timeoutMs: 80, retries: 1, sleep: async () => {} });
    const outcome = await deliverer.deliver(started);
    expect(outcome).toMatchObject({ status: "failed", attempts: 2, error: "timeout after 80 ms" });
    expect(outcome.statusCode).toBeUndefined();
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(75);
  });

  it("resolves with a failed outcome on connection refused, after every retry, and never rejects", async () => {
    const journal = openJournal(":memory:");
    const deliverer = createDeliverer({ target: await refusedUrl(), retries: 2, journal, sleep: async () => {} });
    const outcome = await deliverer.deliver(started, { eventId: "evt_refused" });
    expect(outcome).toMatchObject({ eventId: "evt_refused", status: "failed", attempts: 3, error: expect.stringContaining("connection refused") });
    expect(journal.getEvent("evt_refused")).toMatchObject({ status: "failed", attempts: 3, lastError: expect.stringContaining("ECONNREFUSED") });
  });

  it("sends a forgery once, whatever the answer, and tells rejected from wrongly accepted", async () => {
    const receiver = createReceiver({ callbackKey: key, sdkAppId: started.SdkAppId });
    const strict = createDeliverer({ target: receiver.fetch, callbackKey: key, sleep: async () => {} });
    for (const fault of ["bad-sign", "expired", "wrong-app", "malformed"] as const) {
      const outcome = await strict.deliver(started, { fault });
      expect(outcome, fault).toMatchObject({ status: "forged-rejected", forged: true, attempts: 1 });
      expect(outcome.statusCode, fault).toBeGreaterThanOrEqual(400);
    }
    const naive = createDeliverer({ target: async () => Response.json({ error_code: 0 }), callbackKey: key });
    expect(await naive.deliver(started, { fault: "bad-sign" })).toMatchObject({ status: "forged-accepted", attempts: 1 });
    // Unknown fields keep an event valid: a correct receiver accepts it.
    expect(await strict.deliver(stopped, { fault: "unknown-fields" })).toMatchObject({ status: "delivered", forged: false });
  });

  it("delivers to an in-process handler and reports a handler that throws", async () => {
    const receiver = createReceiver({ callbackKey: key });
    expect(await createDeliverer({ target: receiver.fetch, callbackKey: key }).deliver(started)).toMatchObject({ status: "delivered", statusCode: 200 });
    expect(receiver.tasks.get(started.EventData.TaskId)).toMatchObject({ Status: "PUSHING" });
    const throwing = createDeliverer({
      target: async () => {
        throw new Error("handler exploded");
      },
      retries: 0,
    });
    expect(await throwing.deliver(started)).toMatchObject({ status: "failed", error: "handler exploded" });
  });

  it("keeps a given signature with keepSign and sends unsigned bodies without a key", async () => {
    const bodies: string[] = [];
    const target = async (request: Request) => {
      bodies.push(await request.text());
      return new Response("ok");
    };
    const stale = { ...started, ExpireTime: 1, Sign: "0".repeat(32) };
    await createDeliverer({ target, callbackKey: key }).deliver(stale, { keepSign: true });
    await createDeliverer({ target }).deliver(started);
    expect(JSON.parse(bodies[0] ?? "")).toEqual(stale);
    expect(JSON.parse(bodies[1] ?? "")).toEqual(started);
  });

  it("cuts a long response body to a 200-character snippet", async () => {
    const server = await recordingServer(() => new Response("x".repeat(100_000), { status: 503 }));
    closers.push(server.close);
    const seen: AttemptRecord[] = [];
    await createDeliverer({ target: server.url, retries: 0, onAttempt: (attempt) => seen.push(attempt) }).deliver(started);
    expect(seen[0]).toMatchObject({ statusCode: 503, responseSnippet: "x".repeat(200) });
  });

  it("stops retrying when its signal aborts, and leaves the event pending", async () => {
    const journal = openJournal(":memory:");
    const stop = new AbortController();
    const deliverer = createDeliverer({
      target: async () => new Response(null, { status: 502 }),
      journal,
      sleep: () => new Promise(() => {}),
      onAttempt: () => stop.abort(),
    });
    const outcome = await deliverer.deliver(started, { eventId: "evt_stopped", signal: stop.signal });
    expect(outcome).toMatchObject({ status: "pending", attempts: 1 });
    expect(journal.getEvent("evt_stopped")).toMatchObject({ status: "pending", attempts: 1 });
  });

  it("continues a journaled event under its id instead of recording it twice", async () => {
    const journal = openJournal(":memory:");
    let answer = 500;
    const deliverer = createDeliverer({ target: async () => new Response(null, { status: answer }), retries: 0, journal });
    await deliverer.deliver(started, { eventId: "evt_again" });
    answer = 200;
    await deliverer.deliver(started, { eventId: "evt_again" });
    expect(journal.listEvents()).toHaveLength(1);
    expect(journal.getEvent("evt_again")).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("sends each delivery to its own target with its own key, or unsigned, through one deliverer", async () => {
    const first = await recordingServer();
    const second = await recordingServer();
    closers.push(first.close, second.close);
    const journal = openJournal(":memory:");
    // One wall-clock second for all: the signature of one key must not be reused for another.
    const deliverer = createDeliverer({ target: `${first.url}/cb`, callbackKey: key, journal, now: () => 1_700_000_000_000 });
    closers.push(() => deliverer.close());
    const byDefault = await deliverer.deliver(started);
    const elsewhere = await deliverer.deliver(started, { target: `${second.url}/other`, callbackKey: "other-key" });
    const otherKeyOnly = await deliverer.deliver(stopped, { callbackKey: "other-key" });
    const unsigned = await createDeliverer({ target: `${second.url}/cb` }).deliver(stopped);
    const [defaultBody, otherKeyBody] = first.bodies.map((body) => JSON.parse(body) as WhiteboardPushEvent);
    const [elsewhereBody, unsignedBody] = second.bodies.map((body) => JSON.parse(body) as WhiteboardPushEvent);
    expect(defaultBody?.Sign).toBe(md5(key + String(defaultBody?.ExpireTime)));
    expect(elsewhereBody?.Sign).toBe(md5(`other-key${String(elsewhereBody?.ExpireTime)}`));
    expect(otherKeyBody?.Sign).toBe(md5(`other-key${String(otherKeyBody?.ExpireTime)}`));
    expect(unsignedBody).toEqual(stopped);
    expect(journal.getEvent(byDefault.eventId)).toMatchObject({ target: `${first.url}/cb`, signed: true });
    expect(journal.getEvent(elsewhere.eventId)).toMatchObject({ target: `${second.url}/other`, signed: true });
    expect(journal.getEvent(otherKeyOnly.eventId)).toMatchObject({ target: `${first.url}/cb` });
    expect(unsigned.status).toBe("delivered");
  });

  it("refuses a delivery without a target, or to one that is not an http(s) URL, before recording it", async () => {
    const journal = openJournal(":memory:");
    const deliverer = createDeliverer({ journal });
    await expect(deliverer.deliver(started)).rejects.toThrow(/^tiw-push-kit: no target/);
    await expect(deliverer.deliver(started, { target: "ftp://example.test/" })).rejects.toThrow(/^tiw-push-kit: target must be an http\(s\) URL/);
    expect(journal.listEvents()).toEqual([]);
  });

  it("gives every attempt the exact body it sent, and journals attempts without bodies", async () => {
    const server = await recordingServer((_, index) => (index === 0 ? new Response(null, { status: 500 }) : Response.json({ error_code: 0 })));
    closers.push(server.close);
    const journal = openJournal(":memory:");
    const seen: SentAttempt[] = [];
    let wall = 1_700_000_000_000;
    const deliverer = createDeliverer({ target: server.url, callbackKey: key, journal, now: () => (wall += 1000), sleep: async () => {}, onAttempt: (attempt) => seen.push(attempt) });
    const outcome = await deliverer.deliver(started);
    await deliverer.deliver(stopped, { fault: "malformed" });
    expect(seen.map((attempt) => attempt.body)).toEqual(server.bodies);
    // Re-signed at each attempt: the two bodies of the first delivery differ.
    expect(new Set(server.bodies.slice(0, 2)).size).toBe(2);
    await deliverer.close();
    for (const attempt of journal.listAttempts(outcome.eventId)) expect(attempt).not.toHaveProperty("body");
  });

  it("refuses a target that is not an http(s) URL", () => {
    expect(() => createDeliverer({ target: "ftp://example.test/" })).toThrow(/^tiw-push-kit: target must be an http\(s\) URL/);
    expect(() => createDeliverer({ target: "not a url" })).toThrow(RangeError);
  });
});

describe("backoffDelay", () => {
  it("retries 5 times 5 s apart, without jitter, with a 10 s timeout by default: the tencent profile", () => {
    expect(defaultRetryPolicy).toMatchObject({ retries: 5, timeoutMs: 10_000, jitter: false });
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, defaultRetryPolicy, Math.random))).toEqual([5000, 5000, 5000, 5000, 5000]);
    expect(deliveryProfiles.tencent.source).toContain("documented for transcoding/recording callbacks, assumed for push");
  });

  it("grows exponentially from the initial backoff, is capped, and jitters within the upper half of each step", () => {
    const policy = { ...deliveryProfiles.backoff, initialBackoffMs: 100, maxBackoffMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, policy, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, policy, () => 0.999999))).toEqual([100, 200, 400, 800, 1000, 1000].map((max) => expect.closeTo(max, 2)));
  });
});
