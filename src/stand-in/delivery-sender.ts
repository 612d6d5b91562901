import { createDeliverer, type CallbackTarget, type Deliverer, type Journal } from "../delivery/index.js";
import type { CallbackSender } from "./callback-sender.js";
import { kitAttempt } from "./kit-attempt.js";
import type { KitAttempt } from "./types.js";

/** The journal `source` of the stand-in's own callbacks, so a restarted stand-in can find them. */
export const standInSource = "serve";

export interface DeliverySenderOptions {
  /** Records every callback and attempt, so nothing is lost and `tiw-push-kit log` can list them. */
  journal?: Journal;
  fetch?: typeof fetch;
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
 * retried with backoff, journaled. One engine per callback URL and key, since both can change
 * at runtime (SetWhiteboardPushCallback, SetWhiteboardPushCallbackKey). `close()` stops retrying
 * and waits only for the attempts in flight.
 */
export function createDeliverySender(options: DeliverySenderOptions = {}): CallbackSender {
  const deliverers = new Map<CallbackTarget, Map<string, Deliverer>>();
  const attemptListeners = new Map<string, (attempt: KitAttempt) => void>();
  const inFlight = new Set<Promise<unknown>>();
  // Aborted by close(): retries stop, the attempt in flight finishes, the event stays pending in the journal.
  const closing = new AbortController();

  function delivererFor(target: CallbackTarget, callbackKey: string | undefined): Deliverer {
    const byKey = deliverers.get(target) ?? new Map<string, Deliverer>();
    deliverers.set(target, byKey);
    // "\0" cannot be in a key set through the API, so it stands for "no key".
    const keyId = callbackKey ?? "\0";
    let deliverer = byKey.get(keyId);
    if (!deliverer) {
      deliverer = createDeliverer({
        target,
        ...(callbackKey !== undefined ? { callbackKey } : {}),
        ...(options.journal ? { journal: options.journal } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.now ? { now: options.now } : {}),
        ...(options.expireWindowSeconds !== undefined ? { expireWindowSeconds: options.expireWindowSeconds } : {}),
        ...(options.retries !== undefined ? { retries: options.retries } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        onAttempt(record) {
          attemptListeners.get(record.eventId)?.(kitAttempt(record));
        },
      });
      byKey.set(keyId, deliverer);
    }
    return deliverer;
  }

  return {
    async send(event, route) {
      const deliverer = delivererFor(route.target, route.callbackKey);
      attemptListeners.set(route.eventId, route.onAttempt);
      const delivery = deliverer.deliver(event, { eventId: route.eventId, createdAt: route.createdAt, source: standInSource, signal: closing.signal });
      inFlight.add(delivery);
      try {
        return (await delivery).status === "delivered";
      } finally {
        inFlight.delete(delivery);
        attemptListeners.delete(route.eventId);
      }
    },
    async close() {
      closing.abort();
      await Promise.allSettled([...inFlight]);
      await Promise.all([...deliverers.values()].flatMap((byKey) => [...byKey.values()].map((deliverer) => deliverer.close())));
    },
  };
}
