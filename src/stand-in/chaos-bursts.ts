import { randomUUID } from "node:crypto";
import type { CallbackRouteSettings } from "./deliveries.js";
import { forgetOldest } from "./forget-oldest.js";
import { kitAttempt, withCopiedAttempts } from "./kit-attempt.js";
import { KitControlError } from "./kit-control-error.js";
import type { KitChaosBurst, KitChaosDelivery, KitChaosRequest, KitFault } from "./types.js";
import { createDeliverer, faults, isForged, type Fault, type Journal } from "../delivery/index.js";
import { signatureFaults } from "../delivery/faults.js";
import { generate } from "../generate/generate.js";
import type { FetchHandler } from "../tiw/fetch-handler.js";
import { unixSeconds } from "../tiw/time-rules.js";
import type { SignedPayloads } from "./signed-payloads.js";

// The spec's KitFault and the engine's Fault must stay the same set: this fails to compile otherwise.
const sameFaults: [KitFault] extends [Fault] ? ([Fault] extends [KitFault] ? true : never) : never = true;
void sameFaults;

export interface ChaosBurstsOptions {
  sdkAppId: number;
  expireWindowSeconds: number;
  /** The current callback URL and key. */
  route(): CallbackRouteSettings;
  /** Receives the callbacks in-process instead of over the network, at the callback URL. */
  handler?: FetchHandler;
  /** Virtual Unix milliseconds: the generated tasks' history ends there. */
  now(): number;
  /** The wall clock in Unix milliseconds: bursts are sent and signed on it (default `Date.now`). */
  wallClock?: () => number;
  journal?: Journal;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Keeps the body each callback sent, for the payload dialog. */
  payloads: SignedPayloads;
  changed(burst: KitChaosBurst): void;
  /** Bursts of earlier runs, from the journal. */
  restored?: KitChaosBurst[];
  /** Settled bursts beyond this many are forgotten, oldest first (default 100). */
  maxBursts?: number;
}

export interface ChaosBursts {
  /** Starts a burst and returns it at once, its callbacks pending. */
  send(request?: KitChaosRequest): KitChaosBurst;
  /** Newest first: this run's, then the restored ones. */
  list(): KitChaosBurst[];
  delivery(deliveryId: string): KitChaosDelivery | undefined;
  settled(): Promise<void>;
  /** Stops sending: callbacks not yet answered stay pending in the journal. */
  close(): Promise<void>;
}

const defaultBurstCount = 10;
/** The journal `source` of a burst's callbacks, so a restarted stand-in can find them. */
export const burstSourcePrefix = "serve:chaos:";

/**
 * Bursts of forged and unusual callbacks (the delivery engine's faults) sent to the configured
 * receiver: each callback of freshly generated tasks gets the next fault of the list. Sent once,
 * through the engine, journaled; the callbacks of one task one after the other.
 */
export function createChaosBursts(options: ChaosBurstsOptions): ChaosBursts {
  const bursts = new Map<string, KitChaosBurst>();
  const restored = options.restored ?? [];
  const restoredById = new Map(restored.map((burst) => [burst.id, burst]));
  const inFlight = new Set<Promise<void>>();
  const closing = new AbortController();
  const maxBursts = options.maxBursts ?? 100;
  const wallClock = options.wallClock ?? Date.now;

  function send(request: KitChaosRequest = {}): KitChaosBurst {
    const route = options.route();
    if (!route.url) throw new KitControlError(409, "conflict", "no callback URL is configured: set one with SetWhiteboardPushCallback or serve --callback");
    const count = request.count ?? defaultBurstCount;
    const chosen = chosenFaults(request.faults, route.callbackKey !== undefined);

    const id = `burst_${randomUUID().slice(0, 8)}`;
    const createdAt = wallClock();
    const events = generate({ count: Math.ceil(count / 2), seed: id, sdkAppId: options.sdkAppId, now: unixSeconds(options.now()) }).slice(0, count);
    const deliveries: KitChaosDelivery[] = events.map((event, index) => {
      const fault = chosen[index % chosen.length] as Fault;
      return {
        id: `${id}.${String(index + 1).padStart(2, "0")}`,
        taskId: event.EventData.TaskId,
        eventType: event.EventType,
        fault,
        event,
        status: "pending",
        expected: expectedOf(fault),
        passed: null,
        attempts: [],
      };
    });
    const burst: KitChaosBurst = { id, createdAt, target: route.url, faults: [...new Set(deliveries.map((delivery) => delivery.fault))], deliveries };
    bursts.set(id, burst);
    forgetOldest(bursts, maxBursts, (stored) => stored.deliveries.every((delivery) => delivery.status !== "pending"));
    options.changed(snapshot(burst));

    const run = deliver(burst, route);
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
    return snapshot(burst);
  }

  async function deliver(burst: KitChaosBurst, route: CallbackRouteSettings): Promise<void> {
    const byId = new Map(burst.deliveries.map((delivery) => [delivery.id, delivery]));
    const deliverer = createDeliverer({
      ...(options.handler ? { target: options.handler } : {}),
      expireWindowSeconds: options.expireWindowSeconds,
      ...(options.journal ? { journal: options.journal } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      retries: 0,
      now: wallClock,
      // Without retries the engine draws only to break a `malformed` body, one of three ways: taken
      // in turn, a burst's malformed callbacks show each way.
      random: inTurn(3),
      onAttempt(attempt) {
        const delivery = byId.get(attempt.eventId);
        if (!delivery) return;
        delivery.attempts.push(kitAttempt(attempt));
        options.payloads.keep(delivery.id, { attempt: attempt.attempt, at: attempt.at, body: attempt.body });
        options.changed(snapshot(burst));
      },
    });

    const byTask = new Map<string, KitChaosDelivery[]>();
    for (const delivery of burst.deliveries) byTask.set(delivery.taskId, [...(byTask.get(delivery.taskId) ?? []), delivery]);
    try {
      await Promise.all(
        [...byTask.values()].map(async (ofTask) => {
          for (const delivery of ofTask) {
            const outcome = await deliverer.deliver(delivery.event, {
              target: route.url,
              callbackKey: route.callbackKey,
              eventId: delivery.id,
              createdAt: burst.createdAt,
              fault: delivery.fault,
              source: `${burstSourcePrefix}${burst.id}`,
              signal: closing.signal,
            });
            delivery.status = outcome.status;
            delivery.passed = passedOf(delivery);
            options.changed(snapshot(burst));
          }
        }),
      );
    } finally {
      await deliverer.close();
    }
  }

  async function settled(): Promise<void> {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  }

  return {
    send,
    list: () => [...[...bursts.values()].reverse(), ...restored].map(snapshot),
    delivery(deliveryId) {
      const burstId = deliveryId.slice(0, deliveryId.lastIndexOf("."));
      const burst = bursts.get(burstId) ?? restoredById.get(burstId);
      const delivery = burst?.deliveries.find((candidate) => candidate.id === deliveryId);
      return delivery && withCopiedAttempts(delivery);
    },
    settled,
    async close() {
      closing.abort();
      await settled();
    },
  };
}

/**
 * The faults asked for (a checked `KitChaosRequest`: known, distinct, at least one), or the
 * default: all of them, or those that need no key when none is set.
 */
function chosenFaults(asked: readonly KitFault[] | undefined, hasKey: boolean): KitFault[] {
  if (asked === undefined) return faults.filter((fault) => hasKey || !signatureFaults.includes(fault));
  const needKey = asked.filter((fault) => signatureFaults.includes(fault));
  if (!hasKey && needKey.length > 0) throw new KitControlError(409, "conflict", `${needKey.join(" and ")} forge a signature: set a callback key first`);
  return [...asked];
}

/** What a correct receiver does with a callback of `fault`: rejects a forgery, accepts the rest. */
export function expectedOf(fault: Fault): KitChaosDelivery["expected"] {
  return isForged(fault) ? "rejected" : "accepted";
}

/** Whether the receiver did what a correct one does: a 4xx for a forgery, 200 otherwise; null until it answered. */
export function passedOf(delivery: Pick<KitChaosDelivery, "fault" | "status" | "attempts">): boolean | null {
  if (delivery.status === "pending") return null;
  const status = delivery.attempts.at(-1)?.status ?? null;
  if (status === null) return false;
  return isForged(delivery.fault) ? status >= 400 && status < 500 : status === 200;
}

/** Stands in for a random source: `ways` evenly spaced values in [0, 1), one after the other. */
function inTurn(ways: number): () => number {
  let drawn = 0;
  return () => ((drawn++ % ways) + 0.5) / ways;
}

function snapshot(burst: KitChaosBurst): KitChaosBurst {
  return { ...burst, faults: [...burst.faults], deliveries: burst.deliveries.map(withCopiedAttempts) };
}
