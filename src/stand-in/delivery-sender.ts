import { createDeliverer, type Journal } from "../delivery/index.js";
import { journalEntry } from "../delivery/record-plan.js";
import type { FetchHandler } from "../tiw/fetch-handler.js";
import type { CallbackRoute, CallbackSender } from "./callback-sender.js";
import { kitAttempt } from "./kit-attempt.js";

/** The journal `source` of the stand-in's own callbacks, so a restarted stand-in can find them. */
export const standInSource = "serve";

export interface DeliverySenderOptions {
  /** Records every callback and attempt, so nothing is lost and `tiw-push-kit log` can list them. */
  journal?: Journal;
  fetch?: typeof fetch;
  /** Receives every callback in-process instead of over the network, at its callback URL. */
  handler?: FetchHandler;
  /** The wall clock in Unix milliseconds (default `Date.now`): callbacks are signed on it, never on the virtual clock. */
  now?: () => number;
  expireWindowSeconds?: number;
  /** Retries after the first attempt (the engine's default when absent). */
  retries?: number;
  /** Per attempt (the engine's default when absent). */
  timeoutMs?: number;
}

/**
 * Sends the stand-in's callbacks through the emitter's delivery engine: signed at send time,
 * retried with backoff, journaled. One engine for every callback URL and key, which each
 * callback brings along, since both can change at runtime (SetWhiteboardPushCallback,
 * SetWhiteboardPushCallbackKey). `record` journals a callback when it is produced; a task's next
 * callback is sent once this one's outcome is committed, so a kill repeats at most one callback
 * per task. `close()` stops retrying and waits only for the attempts in flight.
 */
export function createDeliverySender(options: DeliverySenderOptions = {}): CallbackSender {
  const attemptListeners = new Map<string, CallbackRoute["onAttempt"]>();
  const inFlight = new Set<Promise<unknown>>();
  // Aborted by close(): retries stop, the attempt in flight finishes, the event stays pending in the journal.
  const closing = new AbortController();
  const deliverer = createDeliverer({
    ...(options.handler ? { target: options.handler } : {}),
    ...(options.journal ? { journal: options.journal } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.expireWindowSeconds !== undefined ? { expireWindowSeconds: options.expireWindowSeconds } : {}),
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    onAttempt(attempt) {
      attemptListeners.get(attempt.eventId)?.(kitAttempt(attempt), attempt.body);
    },
  });

  const { journal } = options;
  return {
    record(event, route) {
      // A handler's deliveries are journaled as the engine journals them, without a URL to resend to.
      const context = { target: options.handler ? "in-process" : route.target, hasKey: route.callbackKey !== undefined, createdAt: route.createdAt };
      // Committed at once, with the outcomes queued, not on the next turn: the caller acts on it being durable.
      journal?.addEvent(journalEntry(route.eventId, { event, source: standInSource }, context));
      journal?.commit();
    },
    async send(event, route) {
      attemptListeners.set(route.eventId, route.onAttempt);
      const delivery = deliverer.deliver(event, {
        target: route.target,
        callbackKey: route.callbackKey,
        eventId: route.eventId,
        createdAt: route.createdAt,
        source: standInSource,
        signal: closing.signal,
      });
      inFlight.add(delivery);
      try {
        const delivered = (await delivery).status === "delivered";
        // On a failed commit the outcome stays queued for the journal's next write, and the next
        // record of a callback reports the failure: waiting is all that matters here.
        await journal?.flush().catch(() => undefined);
        return delivered;
      } finally {
        inFlight.delete(delivery);
        attemptListeners.delete(route.eventId);
      }
    },
    async close() {
      closing.abort();
      await Promise.allSettled([...inFlight]);
      await deliverer.close();
    },
  };
}
