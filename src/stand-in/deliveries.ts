import type { WhiteboardPushEvent } from "../tiw/events.js";
import type { CallbackSender } from "./callback-sender.js";
import { forgetOldest } from "./forget-oldest.js";
import type { SignedPayloads } from "./signed-payloads.js";
import type { KitDelivery } from "./types.js";

/** Where callbacks go right now: the configured URL and key. */
export interface CallbackRouteSettings {
  url: string;
  /** Undefined when no key is configured: callbacks are then sent unsigned. */
  callbackKey?: string;
}

export interface DeliveriesOptions {
  sender: CallbackSender;
  /** The current settings; `url` is empty when no callback URL is configured. */
  settings(): CallbackRouteSettings;
  /** Keeps the body each attempt sent, for the payload dialog. */
  payloads: SignedPayloads;
  changed(delivery: KitDelivery): void;
  /** The wall clock in Unix milliseconds, for the times of deliveries and engine failures: sending is real, not virtual. */
  now: () => number;
  /** Settled deliveries beyond this many are forgotten, oldest first. */
  maxDeliveries?: number;
}

export interface Deliveries {
  /** Sends `event` with the current settings; undefined when no callback URL is configured, as TIW then sends nothing. */
  add(taskId: string, event: WhiteboardPushEvent): KitDelivery | undefined;
  /** Sends a delivery's event again as a new delivery, with the current settings. */
  resend(delivery: KitDelivery): KitDelivery | undefined;
  get(id: string): KitDelivery | undefined;
  /** Newest first. */
  list(taskId?: string): KitDelivery[];
  /** Resolves when no delivery is under way. */
  settled(): Promise<void>;
}

/**
 * Every callback delivery with its attempts. Callbacks of one task are sent one after the other,
 * so a receiver sees a task's Started before its Stopped unless the first could not be delivered.
 */
export function createDeliveries(options: DeliveriesOptions): Deliveries {
  const deliveries = new Map<string, KitDelivery>();
  const lastOfTask = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  const maxDeliveries = options.maxDeliveries ?? 10_000;
  const resends = new Map<string, number>();

  function deliver(delivery: KitDelivery, route: CallbackRouteSettings): KitDelivery {
    deliveries.set(delivery.id, delivery);
    forgetOldest(deliveries, maxDeliveries, (stored) => stored.status !== "pending");
    options.changed(delivery);
    const previous = lastOfTask.get(delivery.taskId) ?? Promise.resolve();
    const done = previous.then(() => send(delivery, route));
    lastOfTask.set(delivery.taskId, done);
    inFlight.add(done);
    void done.finally(() => {
      inFlight.delete(done);
      if (lastOfTask.get(delivery.taskId) === done) lastOfTask.delete(delivery.taskId);
    });
    return delivery;
  }

  async function send(delivery: KitDelivery, route: CallbackRouteSettings): Promise<void> {
    let delivered = false;
    try {
      delivered = await options.sender.send(delivery.event, {
        target: route.url,
        callbackKey: route.callbackKey,
        eventId: delivery.id,
        createdAt: delivery.createdAt,
        onAttempt(attempt, body) {
          delivery.attempts.push(attempt);
          options.payloads.keep(delivery.id, { attempt: delivery.attempts.length, at: attempt.at, body });
          options.changed(delivery);
        },
      });
    } catch (error) {
      // The engine failed, not the receiver: recorded as an attempt so the delivery shows why.
      delivery.attempts.push({ at: options.now(), status: null, error: (error as Error).message, durationMs: 0 });
    }
    delivery.status = delivered ? "delivered" : "failed";
    options.changed(delivery);
  }

  function fresh(id: string, taskId: string, event: WhiteboardPushEvent, url: string, resendOf: string | null): KitDelivery {
    return { id, taskId, eventType: event.EventType, event, target: url, status: "pending", createdAt: options.now(), attempts: [], resendOf };
  }

  return {
    add(taskId, event) {
      const route = options.settings();
      if (!route.url) return undefined;
      const kind = event.EventType === "WhiteboardPushStarted" ? "started" : "stopped";
      return deliver(fresh(`${taskId}.${kind}`, taskId, event, route.url, null), route);
    },
    resend(original) {
      const route = options.settings();
      if (!route.url) return undefined;
      const count = (resends.get(original.id) ?? 0) + 1;
      resends.set(original.id, count);
      return deliver(fresh(`${original.id}.resend${count}`, original.taskId, original.event, route.url, original.id), route);
    },
    get: (id) => deliveries.get(id),
    list: (taskId) => [...deliveries.values()].filter((delivery) => taskId === undefined || delivery.taskId === taskId).reverse(),
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
