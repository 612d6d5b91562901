import { describe, expect, it } from "vitest";
import { createDeliverer, dispatch } from "../../src/delivery/index.js";
import { generate } from "../../src/generate/generate.js";
import type { WhiteboardPushEvent } from "../../src/tiw/events.js";

describe("dispatch, stopped", () => {
  it("sends nothing once stopped: a send taken but waiting for its task's previous one stays unsent", async () => {
    const events = generate({ count: 1, seed: 2, now: 1_700_000_000 });
    const stop = new AbortController();
    const arrivals: string[] = [];
    // The Started is answered only once the run was stopped; its Stopped waits behind it meanwhile.
    const receiver = async (request: Request) => {
      arrivals.push(((await request.json()) as WhiteboardPushEvent).EventType);
      stop.abort();
      return Response.json({ error_code: 0 });
    };
    const outcomes: string[] = [];
    const result = await dispatch(
      events.map((event) => ({ event })),
      { deliverer: createDeliverer({ target: receiver }), concurrency: 2, signal: stop.signal, onOutcome: (outcome) => outcomes.push(outcome.status) },
    );
    expect(arrivals).toEqual(["WhiteboardPushStarted"]);
    expect(outcomes).toEqual(["delivered"]);
    expect(result).toEqual({ taken: 2, stopped: true });
  });

  it("sends nothing once stopped: a delayed send stays unsent", async () => {
    const [started] = generate({ count: 1, seed: 2, now: 1_700_000_000 });
    const stop = new AbortController();
    const arrivals: unknown[] = [];
    const run = dispatch([{ event: started!, delayMs: 1000 }], { deliverer: createDeliverer({ target: async (request) => (arrivals.push(await request.json()), Response.json({})) }), signal: stop.signal });
    setTimeout(() => stop.abort(), 5);
    expect(await run).toEqual({ taken: 1, stopped: true });
    expect(arrivals).toEqual([]);
  });

  it.each([
    ["a generator", false],
    ["an async generator", true],
  ])("closes its source when stopped early: %s gets to clean up", async (_, isAsync) => {
    const events = generate({ count: 50, seed: 4, now: 1_700_000_000 });
    const stop = new AbortController();
    const cleaned: boolean[] = [];
    function* plan() {
      try {
        for (const event of events) yield { event };
      } finally {
        cleaned.push(true);
      }
    }
    async function* streamed() {
      yield* plan();
    }
    let answered = 0;
    const receiver = async () => {
      if (++answered === 3) stop.abort();
      return Response.json({ error_code: 0 });
    };
    const result = await dispatch(isAsync ? streamed() : plan(), { deliverer: createDeliverer({ target: receiver }), concurrency: 2, signal: stop.signal });
    expect(result.stopped).toBe(true);
    expect(result.taken).toBeLessThan(100);
    expect(cleaned).toEqual([true]);
  });
});
