import { describe, expect, it } from "vitest";
import { createDeliverer, dispatch, planDeliveries, type PlannedDelivery } from "../../src/delivery/index.js";
import { generate } from "../../src/generate/generate.js";
import { createRandom } from "../../src/generate/random.js";
import type { WhiteboardPushEvent } from "../../src/tiw/events.js";
import { recordingServer } from "../helpers/servers.js";

const events = generate({ count: 60, seed: 11, now: 1_700_000_000 });
const plain = (list: readonly WhiteboardPushEvent[]): PlannedDelivery[] => list.map((event) => ({ event }));

/** An in-process receiver that answers after a random few milliseconds and records arrival order and parallelism. */
function slowReceiver(seed: number) {
  const random = createRandom(seed);
  const state = { arrivals: [] as WhiteboardPushEvent[], inFlight: 0, maxInFlight: 0 };
  const fetch = async (request: Request) => {
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    state.arrivals.push((await request.json()) as WhiteboardPushEvent);
    await new Promise((resolve) => setTimeout(resolve, random.int(0, 4)));
    state.inFlight -= 1;
    return Response.json({ error_code: 0 });
  };
  return { state, fetch };
}

function arrivalIndex(arrivals: readonly WhiteboardPushEvent[], taskId: string, eventType: string): number {
  return arrivals.findIndex((event) => event.EventData.TaskId === taskId && event.EventType === eventType);
}

describe("dispatch", () => {
  it("sends tasks in parallel up to the concurrency, and a Stopped only after its Started was answered", async () => {
    const receiver = slowReceiver(1);
    const outcomes: string[] = [];
    const result = await dispatch(plain(events), {
      deliverer: createDeliverer({ target: receiver.fetch }),
      concurrency: 6,
      onOutcome: (outcome) => outcomes.push(`${outcome.taskId}:${outcome.eventType}`),
    });
    expect(result).toEqual({ taken: 120, stopped: false });
    expect(receiver.state.arrivals).toHaveLength(120);
    expect(receiver.state.maxInFlight).toBeGreaterThan(1);
    expect(receiver.state.maxInFlight).toBeLessThanOrEqual(6);
    for (const event of events.filter((candidate) => candidate.EventType === "WhiteboardPushStopped")) {
      const taskId = event.EventData.TaskId;
      // Answered first: the Started's outcome comes before the Stopped is even sent.
      expect(outcomes.indexOf(`${taskId}:WhiteboardPushStarted`)).toBeLessThan(arrivalIndex(receiver.state.arrivals, taskId, "WhiteboardPushStopped"));
    }
  });

  it("keeps per-task order over real HTTP too", async () => {
    const server = await recordingServer(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return Response.json({ error_code: 0 });
    });
    try {
      await dispatch(plain(events), { deliverer: createDeliverer({ target: server.url }), concurrency: 16 });
      const arrivals = server.bodies.map((body) => JSON.parse(body) as WhiteboardPushEvent);
      expect(arrivals).toHaveLength(120);
      for (const { EventData } of events) {
        expect(arrivalIndex(arrivals, EventData.TaskId, "WhiteboardPushStarted")).toBeLessThan(arrivalIndex(arrivals, EventData.TaskId, "WhiteboardPushStopped"));
      }
    } finally {
      await server.close();
    }
  });

  it("sends a reordered task's Stopped first", async () => {
    const receiver = slowReceiver(2);
    const planned = planDeliveries(events, { chaos: { reorder: 1 }, random: createRandom(5) });
    await dispatch(planned, { deliverer: createDeliverer({ target: receiver.fetch }), concurrency: 8 });
    for (const { EventData } of events) {
      const { arrivals } = receiver.state;
      expect(arrivalIndex(arrivals, EventData.TaskId, "WhiteboardPushStopped")).toBeLessThan(arrivalIndex(arrivals, EventData.TaskId, "WhiteboardPushStarted"));
    }
  });

  it("paces sends at the asked rate", async () => {
    const clock = { ms: 0 };
    await dispatch(plain(events.slice(0, 21)), {
      deliverer: createDeliverer({ target: async () => new Response(null) }),
      rate: 10,
      now: () => clock.ms,
      sleep: async (ms) => void (clock.ms += ms),
    });
    // 21 sends at 10 per second: the last starts 2 s after the first.
    expect(clock.ms).toBeCloseTo(2000, 6);
  });

  it("stops taking deliveries when its signal aborts, finishing those in flight", async () => {
    const stop = new AbortController();
    const answered: string[] = [];
    const result = await dispatch(plain(events), {
      deliverer: createDeliverer({ target: async () => new Response(null) }),
      concurrency: 2,
      signal: stop.signal,
      onOutcome: (outcome) => {
        answered.push(outcome.eventId);
        if (answered.length === 10) stop.abort();
      },
    });
    expect(result.stopped).toBe(true);
    expect(result.taken).toBeLessThan(events.length);
    expect(answered).toHaveLength(result.taken);
  });

  it("pulls an endless source only as fast as it sends", async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<PlannedDelivery> {
      for (;;) {
        pulled += 1;
        yield { event: { ...events[0]!, EventData: { ...events[0]!.EventData, TaskId: `task${pulled}` } } as WhiteboardPushEvent };
      }
    }
    const stop = new AbortController();
    let sent = 0;
    await dispatch(endless(), {
      deliverer: createDeliverer({ target: async () => new Response(null) }),
      concurrency: 4,
      signal: stop.signal,
      onOutcome: () => {
        if (++sent === 50) stop.abort();
      },
    });
    expect(pulled).toBeLessThanOrEqual(50 + 4 + 1);
  });

  it("refuses a concurrency below 1 and a rate that is not positive", async () => {
    const deliverer = createDeliverer({ target: async () => new Response(null) });
    await expect(dispatch([], { deliverer, concurrency: 0 })).rejects.toThrow(/concurrency must be a whole number >= 1/);
    await expect(dispatch([], { deliverer, rate: 0 })).rejects.toThrow(/rate must be > 0/);
  });
});
