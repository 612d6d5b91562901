import { setTimeout as sleepFor } from "node:timers/promises";
import type { PlannedDelivery } from "./chaos.js";
import type { Deliverer, DeliveryOutcome } from "./deliverer.js";
import { untilSettledOrAborted } from "./until-settled-or-aborted.js";

export interface DispatchOptions {
  deliverer: Deliverer;
  /** Deliveries in flight at once, across tasks (default 8). */
  concurrency?: number;
  /** Sends started per second, at most (default: as fast as the receiver answers). */
  rate?: number;
  /** Stops taking new deliveries, sending taken ones and retrying; what is in flight finishes, the rest stays pending. */
  signal?: AbortSignal;
  onOutcome?: (outcome: DeliveryOutcome, planned: PlannedDelivery) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const defaultConcurrency = 8;

/**
 * Sends planned deliveries in order, different tasks in parallel. Within a task (same `TaskId`)
 * each send waits until the previous one was answered, so a Stopped never overtakes its Started
 * unless the plan reordered them. Accepts an endless (async) iterable, pulled only as fast as it
 * is sent. Resolves when everything taken was answered (or, once `signal` stopped the run, left
 * unsent); `stopped` when `signal` ended it early.
 *
 * @example
 * await dispatch(planDeliveries(events, { random }), { deliverer, concurrency: 16, rate: 200 });
 */
export async function dispatch(
  deliveries: Iterable<PlannedDelivery> | AsyncIterable<PlannedDelivery>,
  options: DispatchOptions,
): Promise<{ taken: number; stopped: boolean }> {
  const { deliverer, signal, onOutcome } = options;
  const concurrency = options.concurrency ?? defaultConcurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`tiw-push-kit: concurrency must be a whole number >= 1, got ${concurrency}`);
  if (options.rate !== undefined && !(options.rate > 0)) throw new RangeError(`tiw-push-kit: rate must be > 0 events per second, got ${options.rate}`);
  const now = options.now ?? performance.now.bind(performance);
  const sleep = options.sleep ?? ((ms: number) => sleepFor(ms));
  const interval = options.rate === undefined ? 0 : 1000 / options.rate;

  /** The last send of each task with one in flight: the next send of that task waits for it. */
  const lastOfTask = new Map<string, Promise<void>>();
  let inFlight = 0;
  let failure: { error: unknown } | undefined;
  let nextStart = now();
  let taken = 0;
  const abortable = (promise: Promise<unknown>) => untilSettledOrAborted(promise, signal);
  // One listener for the whole run, not one per wait: waiting for a slot happens at every send.
  let wake: (() => void) | undefined;
  const wakeUp = () => wake?.();
  signal?.addEventListener("abort", wakeUp);

  const deliver = async (planned: PlannedDelivery) => {
    if (planned.delayMs) await abortable(sleep(planned.delayMs));
    // Stopped while it waited (for its task's previous send, or its delay): it stays unsent, pending.
    if (signal?.aborted) return;
    const outcome = await deliverer.deliver(planned.event, {
      eventId: planned.eventId,
      recorded: planned.eventId !== undefined,
      fault: planned.fault,
      keepSign: planned.keepSign,
      source: planned.source,
      signal,
    });
    onOutcome?.(outcome, planned);
  };

  const iterator = iteratorOf(deliveries);
  try {
    for (;;) {
      while (inFlight >= concurrency && !signal?.aborted) await new Promise<void>((resolve) => (wake = resolve));
      if (signal?.aborted || failure) break;
      // A plan in memory is walked without a promise per item; a stream is awaited.
      const next = iterator.next();
      const step = "then" in next ? await next : next;
      if (step.done) break;
      const planned = step.value;
      if (interval > 0) {
        const wait = nextStart - now();
        if (wait > 0) await abortable(sleep(wait));
        if (signal?.aborted) break;
        // Falling behind does not earn a burst: the next slot counts from now at the earliest.
        nextStart = Math.max(nextStart, now()) + interval;
      }
      taken += 1;
      inFlight += 1;
      const task = planned.event.EventData.TaskId;
      const previous = lastOfTask.get(task);
      const finished = () => {
        inFlight -= 1;
        if (lastOfTask.get(task) === done) lastOfTask.delete(task);
        wake?.();
      };
      const done: Promise<void> = (previous ? previous.then(() => deliver(planned)) : deliver(planned)).then(finished, (error: unknown) => {
        failure ??= { error };
        finished();
      });
      lastOfTask.set(task, done);
    }
  } finally {
    signal?.removeEventListener("abort", wakeUp);
    // As `for await` does on an early exit: a generator of the plan gets to clean up.
    await iterator.return?.();
    // Also when the plan itself throws: what is in flight is answered (and journaled) first.
    await Promise.all(lastOfTask.values());
  }
  if (failure) throw failure.error;
  return { taken, stopped: signal?.aborted ?? false };
}

function iteratorOf<T>(items: Iterable<T> | AsyncIterable<T>): Iterator<T> | AsyncIterator<T> {
  return Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
}
