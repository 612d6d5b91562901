import { describe, expect, it } from "vitest";
import { createReceiver } from "../../src/receiver/reference-receiver.js";
import { serve } from "../../src/server/node.js";
import { createDeliverer, createSummary, dispatch, forgedFaults, parseChaos, planDeliveries, planDeliveryStream, type DeliveryOutcome, type PlannedDelivery } from "../../src/delivery/index.js";
import { generate } from "../../src/generate/generate.js";
import { createRandom } from "../../src/generate/random.js";
import type { WhiteboardPushEvent } from "../../src/tiw/events.js";

const key = "chaos-test-key";
const rates = { duplicate: 0.1, reorder: 0.1, delay: 0.2, "unknown-fields": 0.1, "bad-sign": 0.05, expired: 0.05, "wrong-app": 0.05, malformed: 0.02 };

/** True when `count` is within four standard deviations of a binomial(n, p) draw: fails about once in 15 000 honest draws, and never by luck here since the seed is fixed. */
function plausible(count: number, n: number, p: number): boolean {
  return Math.abs(count - n * p) <= 4 * Math.sqrt(n * p * (1 - p));
}

const taskIdOf = (delivery: PlannedDelivery) => delivery.event.EventData.TaskId;
const isReal = (delivery: PlannedDelivery) => delivery.fault === undefined || delivery.fault === "unknown-fields";

/** Tasks whose real Stopped comes before their real Started in a sequence. */
function reorderedTasks(sequence: readonly { taskId: string; eventType: string }[]): Set<string> {
  const startedSeen = new Set<string>();
  const reordered = new Set<string>();
  for (const { taskId, eventType } of sequence) {
    if (eventType === "WhiteboardPushStarted") startedSeen.add(taskId);
    else if (!startedSeen.has(taskId)) reordered.add(taskId);
  }
  return reordered;
}

describe("parseChaos", () => {
  it("reads kind=probability pairs", () => {
    expect(parseChaos("duplicate=0.1, reorder=0.1,bad-sign=0.05,malformed=1,delay=0")).toEqual({ duplicate: 0.1, reorder: 0.1, "bad-sign": 0.05, malformed: 1, delay: 0 });
    expect(parseChaos("")).toEqual({});
  });

  it.each([
    ["sometimes=0.1", /unknown chaos kind 'sometimes'/],
    ["duplicate=1.5", /probability in \[0, 1\]/],
    ["duplicate=-0.1", /probability in \[0, 1\]/],
    ["duplicate", /probability in \[0, 1\]/],
    ["duplicate=often", /probability in \[0, 1\]/],
    ["duplicate=0.1,duplicate=0.2", /given twice/],
  ])("rejects %s", (text, message) => {
    expect(() => parseChaos(text)).toThrow(message);
  });
});

describe("planDeliveries", () => {
  const events = generate({ count: 1000, seed: 21, now: 1_700_000_000, callbackKey: key });
  const plan = planDeliveries(events, { chaos: rates, random: createRandom("plan-seed") });

  it("injects every fault at its asked rate", () => {
    const real = plan.filter(isReal);
    expect(real.length - events.length).toBe(plan.filter((delivery) => delivery.source === "chaos:duplicate").length);
    expect(plausible(real.length - events.length, events.length, rates.duplicate)).toBe(true);
    expect(plausible(real.filter((delivery) => delivery.fault === "unknown-fields").length, real.length, rates["unknown-fields"])).toBe(true);
    expect(plausible(plan.filter((delivery) => delivery.delayMs !== undefined).length, events.length, rates.delay)).toBe(true);
    for (const fault of forgedFaults) {
      expect(plausible(plan.filter((delivery) => delivery.fault === fault).length, events.length, rates[fault]), fault).toBe(true);
    }
    const reordered = reorderedTasks(real.map((delivery) => ({ taskId: taskIdOf(delivery), eventType: delivery.event.EventType })));
    expect(plausible(reordered.size, 1000, rates.reorder)).toBe(true);
  });

  it("is the same for the same seed, and different for another", () => {
    expect(planDeliveries(events, { chaos: rates, random: createRandom("plan-seed") })).toEqual(plan);
    expect(planDeliveries(events, { chaos: rates, random: createRandom("other-seed") })).not.toEqual(plan);
  });

  it("sends a forged copy just before the real event and a duplicate just after it", () => {
    plan.forEach((delivery, index) => {
      if (delivery.fault && delivery.fault !== "unknown-fields") {
        const next = plan.slice(index + 1).find(isReal);
        expect(next?.event).toBe(delivery.event);
      }
      if (delivery.source === "chaos:duplicate") {
        expect(plan[index - 1]?.event).toBe(delivery.event);
        expect(delivery.delayMs).toBeUndefined();
      }
    });
  });

  it("keeps the events as they are without chaos", () => {
    expect(planDeliveries(events, { random: createRandom(1) })).toEqual(events.map((event) => ({ event })));
  });
});

describe("chaos against the reference receiver over HTTP", () => {
  it("accepts every valid event of a mixed run, duplicates and reorders really arrive at the asked rate, and every forgery is rejected", async () => {
    const now = Math.floor(Date.now() / 1000);
    const events = generate({ count: 300, seed: 5, now, callbackKey: key });
    const plan = planDeliveries(events, { chaos: rates, random: createRandom(77), maxDelayMs: 5 });
    const receiver = createReceiver({ callbackKey: key, sdkAppId: events[0]?.SdkAppId });
    const arrivals: Array<{ taskId: string; eventType: string }> = [];
    const server = await serve(async (request) => {
      const response = await receiver.fetch(request.clone());
      if (response.status === 200) {
        const event = (await request.json()) as WhiteboardPushEvent;
        arrivals.push({ taskId: event.EventData.TaskId, eventType: event.EventType });
      }
      return response;
    });
    try {
      const summary = createSummary();
      const outcomes: Array<{ outcome: DeliveryOutcome; planned: PlannedDelivery }> = [];
      await dispatch(plan, {
        deliverer: createDeliverer({ target: `${server.url}/callback`, callbackKey: key, onAttempt: summary.addAttempt }),
        concurrency: 8,
        onOutcome: (outcome, planned) => {
          summary.addOutcome(outcome);
          outcomes.push({ outcome, planned });
        },
      });
      const real = plan.filter(isReal);
      const forged = plan.length - real.length;
      expect(summary.result()).toMatchObject({ delivered: real.length, failed: 0, forged: { sent: forged, rejected: forged, accepted: 0 } });

      // Every task ends STOPPED with its Started seen, however its events arrived.
      expect(receiver.tasks.size).toBe(300);
      for (const task of receiver.tasks.values()) expect(task).toMatchObject({ Status: "STOPPED", StartedReceived: true });

      // Duplicates and reorders reached the receiver as planned, at the asked rate.
      const duplicates = arrivals.length - events.length;
      expect(duplicates).toBe(real.length - events.length);
      expect(plausible(duplicates, events.length, rates.duplicate)).toBe(true);
      const reordered = reorderedTasks(arrivals);
      expect(reordered).toEqual(reorderedTasks(real.map((delivery) => ({ taskId: taskIdOf(delivery), eventType: delivery.event.EventType }))));
      expect(plausible(reordered.size, 300, rates.reorder)).toBe(true);

      // Each forged kind was refused with the status its check calls for.
      const expectedStatus = { "bad-sign": 401, expired: 401, "wrong-app": 403, malformed: 400 } as const;
      for (const fault of forgedFaults) {
        const answers = outcomes.filter(({ planned }) => planned.fault === fault).map(({ outcome }) => outcome.statusCode);
        expect(answers.length, fault).toBeGreaterThan(0);
        expect(new Set(answers), fault).toEqual(new Set([expectedStatus[fault]]));
      }
    } finally {
      await server.close();
    }
  });
});

describe("planDeliveryStream", () => {
  const events = generate({ count: 1000, seed: 21, now: 1_700_000_000 });

  it("gives what planDeliveries gives, one send at a time", () => {
    const stream = planDeliveryStream(events, { chaos: rates, random: createRandom("plan-seed") });
    expect([...stream]).toEqual(planDeliveries(events, { chaos: rates, random: createRandom("plan-seed") }));
  });

  it("sends a reordered task's Stopped right before its Started, holding back only the Started events drawn", () => {
    const plan = [...planDeliveryStream(events, { chaos: { reorder: 0.3 }, random: createRandom(4) })];
    expect(plan.map((delivery) => delivery.event).sort(byTaskAndType)).toEqual([...events].sort(byTaskAndType));
    const reordered = reorderedTasks(plan.map((delivery) => ({ taskId: taskIdOf(delivery), eventType: delivery.event.EventType })));
    expect(plausible(reordered.size, 1000, 0.3)).toBe(true);
    plan.forEach((delivery, index) => {
      if (reordered.has(taskIdOf(delivery)) && delivery.event.EventType === "WhiteboardPushStopped") expect(plan[index + 1]?.event.EventData.TaskId).toBe(taskIdOf(delivery));
    });
  });

  it("plans an endless stream as it is pulled", () => {
    function* endless(): Generator<WhiteboardPushEvent> {
      for (let round = 0; ; round++) yield* generate({ count: 10, seed: round, now: 1_700_000_000 + round * 100_000 });
    }
    const taken: PlannedDelivery[] = [];
    for (const delivery of planDeliveryStream(endless(), { chaos: rates, random: createRandom(2) })) {
      taken.push(delivery);
      if (taken.length === 5000) break;
    }
    expect(new Set(taken.map(taskIdOf)).size).toBeGreaterThan(1000);
  });

  it("sends a Started whose task has no later event at the end", () => {
    const started = events.filter((event) => event.EventType === "WhiteboardPushStarted").slice(0, 3);
    const plan = [...planDeliveryStream(started, { chaos: { reorder: 1 }, random: createRandom(1) })];
    expect(plan.map((delivery) => delivery.event)).toEqual(started);
  });
});

function byTaskAndType(a: WhiteboardPushEvent, b: WhiteboardPushEvent): number {
  return a.EventData.TaskId.localeCompare(b.EventData.TaskId) || a.EventType.localeCompare(b.EventType);
}
