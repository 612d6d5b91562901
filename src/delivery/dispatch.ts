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
  let slotFreed: (() => void) | undefined;
  let failure: { error: unknown } | undefined;
  let nextStart = now();
  let taken = 0;
  const abortable = (promise: Promise<unknown>) => untilSettledOrAborted(promise, signal);

  const send = async (planned: PlannedDelivery, previous: Promise<void> | undefined) => {
    await previous;
    if (planned.delayMs) await abortable(sleep(planned.delayMs));
    // Stopped while it waited (for its task's previous send, or its delay): it stays unsent, pending.
    if (signal?.aborted) return;
    const outcome = await deliverer.deliver(planned.event, {
      ...(planned.eventId ? { eventId: planned.eventId, recorded: true } : {}),
      ...(planned.fault ? { fault: planned.fault } : {}),
      ...(planned.keepSign ? { keepSign: true } : {}),
      ...(planned.source ? { source: planned.source } : {}),
      ...(signal ? { signal } : {}),
    });
    onOutcome?.(outcome, planned);
  };

  try {
    for await (const planned of deliveries) {
      while (inFlight >= concurrency && !signal?.aborted) await abortable(new Promise<void>((resolve) => (slotFreed = resolve)));
      if (signal?.aborted || failure) break;
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
      const done: Promise<void> = send(planned, lastOfTask.get(task))
        .catch((error: unknown) => void (failure ??= { error }))
        .finally(() => {
          inFlight -= 1;
          if (lastOfTask.get(task) === done) lastOfTask.delete(task);
          slotFreed?.();
        });
      lastOfTask.set(task, done);
    }
  } finally {
    // Also when the plan itself throws: what is in flight is answered (and journaled) first.
    await Promise.all(lastOfTask.values());
  }
  if (failure) throw failure.error;
  return { taken, stopped: signal?.aborted ?? false };
}
