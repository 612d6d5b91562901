import type { WhiteboardPushEvent } from "../tiw/events.js";
import type { Random } from "../generate/random.js";
import { forgedFaults, type Fault } from "./faults.js";

export const chaosKinds = ["duplicate", "reorder", "delay", "unknown-fields", ...forgedFaults] as const;
export type ChaosKind = (typeof chaosKinds)[number];
/** The probability of each fault, in [0, 1]; a missing kind never happens. */
export type ChaosRates = Partial<Record<ChaosKind, number>>;

/** One send the dispatcher makes: an event and what to do to it. */
export interface PlannedDelivery {
  event: WhiteboardPushEvent;
  /** Set by `recordPlan`: the journal holds the event under this id. */
  eventId?: string;
  fault?: Fault;
  /** Sent as given, without recomputing `ExpireTime` and `Sign`. */
  keepSign?: boolean;
  /** Held back this long before sending; later events of the same task wait for it. */
  delayMs?: number;
  /** Where the event came from, recorded in the journal (`generate`, a file name, `duplicate`, ...). */
  source?: string;
}

export interface PlanOptions {
  chaos?: ChaosRates;
  /** Seeded, so the same seed gives the same faults. */
  random: Random;
  /** Upper bound of an injected delay (default 2000 ms). */
  maxDelayMs?: number;
  keepSign?: boolean;
  source?: string;
}

export const defaultMaxDelayMs = 2000;

/**
 * Parses `duplicate=0.1,reorder=0.1,bad-sign=0.05`: each kind at most once, each rate in [0, 1].
 *
 * @example
 * parseChaos("duplicate=0.1,malformed=0.02"); // { duplicate: 0.1, malformed: 0.02 }
 */
export function parseChaos(text: string): ChaosRates {
  const rates: ChaosRates = {};
  for (const part of text.split(",").map((item) => item.trim()).filter(Boolean)) {
    const [name, raw, ...rest] = part.split("=");
    const kind = chaosKinds.find((candidate) => candidate === name?.trim());
    if (!kind) throw new RangeError(`tiw-push-kit: unknown chaos kind '${name}'; known: ${chaosKinds.join(", ")}`);
    const rate = Number(raw);
    if (rest.length > 0 || raw === undefined || raw.trim() === "" || !(rate >= 0 && rate <= 1)) {
      throw new RangeError(`tiw-push-kit: chaos rate of ${kind} must be a probability in [0, 1], got '${part}'`);
    }
    if (kind in rates) throw new RangeError(`tiw-push-kit: chaos kind ${kind} is given twice`);
    rates[kind] = rate;
  }
  return rates;
}

/**
 * Turns events (in delivery order) into sends, drawing each fault independently at its rate:
 * - `reorder`: a task's Started is sent right after the task's next event (its Stopped before its Started);
 * - `duplicate`: the event is sent a second time, right after;
 * - `delay`: the send waits 1 ms to `maxDelayMs`;
 * - `unknown-fields`: the event carries fields the spec does not know (still valid);
 * - forgeries (`bad-sign`, `expired`, `wrong-app`, `malformed`): a forged copy is sent just before
 *   the real event, which is still sent, so the valid stream stays complete.
 */
export function planDeliveries(events: Iterable<WhiteboardPushEvent>, options: PlanOptions): PlannedDelivery[] {
  return [...planDeliveryStream(events, options)];
}

/**
 * `planDeliveries` made one send at a time, as the events come: a plan of millions of events takes
 * no more memory than the Started events a reorder holds back. The same events and seed give the same sends.
 */
export function* planDeliveryStream(events: Iterable<WhiteboardPushEvent>, options: PlanOptions): Generator<PlannedDelivery> {
  const { random, chaos = {} } = options;
  const maxDelayMs = options.maxDelayMs ?? defaultMaxDelayMs;
  const base = { ...(options.keepSign ? { keepSign: true } : {}), ...(options.source ? { source: options.source } : {}) };
  const chance = (kind: ChaosKind) => random.chance(chaos[kind] ?? 0);

  function* sendsOf(event: WhiteboardPushEvent): Generator<PlannedDelivery> {
    for (const fault of forgedFaults) if (chance(fault)) yield { ...base, event, fault, source: `chaos:${fault}` };
    const delivery: PlannedDelivery = { ...base, event };
    if (chance("unknown-fields")) delivery.fault = "unknown-fields";
    if (chance("delay")) delivery.delayMs = random.int(1, maxDelayMs);
    yield delivery;
    if (chance("duplicate")) {
      const duplicate: PlannedDelivery = { ...delivery, source: "chaos:duplicate" };
      delete duplicate.delayMs;
      yield duplicate;
    }
  }

  if (!(chaos.reorder ?? 0)) {
    for (const event of events) yield* sendsOf(event);
    return;
  }
  /** Started events drawn for reordering, each until its task's next event has gone. */
  const heldBack = new Map<string, WhiteboardPushEvent>();
  for (const event of events) {
    const taskId = event.EventData.TaskId;
    const held = heldBack.get(taskId);
    if (held) {
      heldBack.delete(taskId);
      yield* sendsOf(event);
      yield* sendsOf(held);
    } else if (event.EventType === "WhiteboardPushStarted" && chance("reorder")) {
      heldBack.set(taskId, event);
    } else {
      yield* sendsOf(event);
    }
  }
  // A Started whose task has no later event has nothing to swap with: it goes at the end.
  for (const held of heldBack.values()) yield* sendsOf(held);
}
