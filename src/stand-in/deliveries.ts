import type { EventType, WhiteboardPushEvent } from "../tiw/events.js";
import type { CallbackSender } from "./callback-sender.js";
import { forgetOldest } from "./forget-oldest.js";
import { createJournalRetry } from "./journal-retry.js";
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
  /** Told when the journal refuses callbacks and when it takes them again. */
  warn(message: string): void;
  /** Settled deliveries beyond this many are forgotten, oldest first. */
  maxDeliveries?: number;
}

export interface Deliveries {
  /** Sends `event` with the current settings; undefined when no callback URL is configured, as TIW then sends nothing. */
  add(taskId: string, event: WhiteboardPushEvent): KitDelivery | undefined;
  /** Sends a delivery's event again as a new delivery, with the current settings. */
  resend(delivery: KitDelivery): KitDelivery | undefined;
  /**
   * Takes over a callback an earlier run left pending in the journal: it is sent, behind its task's
   * earlier callbacks, once the settings can carry it: a callback URL, and a key when `signed`.
   */
  resume(delivery: KitDelivery, signed: boolean): void;
  /** The callback URL or key changed: sends the resumed callbacks that waited for them. */
  settingsChanged(): void;
  get(id: string): KitDelivery | undefined;
  /** Newest first. */
  list(taskId?: string): KitDelivery[];
  /** Resolves when no delivery is under way (resumed callbacks waiting for a URL or key are not). */
  settled(): Promise<void>;
  /** Sends nothing more: what has not been sent stays pending, in the journal for the next run. */
  close(): void;
}

/** The id of a task's callback of `eventType`: the journal's record of it across runs. */
export function callbackIdOf(taskId: string, eventType: EventType): string {
  return `${taskId}.${eventType === "WhiteboardPushStarted" ? "started" : "stopped"}`;
}

/**
 * Every callback delivery with its attempts. A callback is journaled the moment it is produced,
 * then sent behind its task's earlier ones, so a receiver sees a task's Started before its Stopped
 * unless the first could not be delivered. While the journal refuses writes, callbacks wait in
 * memory, pending, and are journaled and sent when it takes them again.
 */
export function createDeliveries(options: DeliveriesOptions): Deliveries {
  const deliveries = new Map<string, KitDelivery>();
  const lastOfTask = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  const maxDeliveries = options.maxDeliveries ?? 10_000;
  const resends = new Map<string, number>();
  const journalWrites = createJournalRetry({ warn: options.warn });
  /** Resumed callbacks waiting for a URL or a key, in journal order. */
  const waiting: Array<{ delivery: KitDelivery; signed: boolean }> = [];
  let closed = false;

  function keep(delivery: KitDelivery): void {
    deliveries.set(delivery.id, delivery);
    forgetOldest(deliveries, maxDeliveries, (stored) => stored.status !== "pending");
    options.changed(delivery);
  }

  /** Sends `delivery` behind its task's earlier callbacks, once `ready` gives its route; none leaves it pending. */
  function enqueue(delivery: KitDelivery, ready: Promise<CallbackRouteSettings | undefined>): void {
    const previous = lastOfTask.get(delivery.taskId) ?? Promise.resolve();
    const done = previous.then(() => ready).then((route) => (route && !closed ? send(delivery, route) : undefined));
    lastOfTask.set(delivery.taskId, done);
    inFlight.add(done);
    void done.finally(() => {
      inFlight.delete(done);
      if (lastOfTask.get(delivery.taskId) === done) lastOfTask.delete(delivery.taskId);
    });
  }

  /** Journals a new delivery now (or, when the journal refuses it, as soon as it can), then sends it. */
  function deliver(delivery: KitDelivery, route: CallbackRouteSettings): KitDelivery {
    keep(delivery);
    const { record } = options.sender;
    const journaled = record
      ? journalWrites.write(() => record(delivery.event, { target: route.url, callbackKey: route.callbackKey, eventId: delivery.id, createdAt: delivery.createdAt }))
      : Promise.resolve(true);
    enqueue(
      delivery,
      journaled.then((written) => (written ? route : undefined)),
    );
    return delivery;
  }

  function sendWhatSettingsAllow(): void {
    const route = options.settings();
    if (!route.url) return;
    for (let index = 0; index < waiting.length; ) {
      const resumed = waiting[index] as (typeof waiting)[number];
      if (resumed.signed && route.callbackKey === undefined) {
        index++;
        continue;
      }
      waiting.splice(index, 1);
      enqueue(resumed.delivery, Promise.resolve(route));
    }
  }

  async function send(delivery: KitDelivery, route: CallbackRouteSettings): Promise<void> {
    delivery.target = route.url;
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
      return deliver(fresh(callbackIdOf(taskId, event.EventType), taskId, event, route.url, null), route);
    },
    resend(original) {
      const route = options.settings();
      if (!route.url) return undefined;
      const count = (resends.get(original.id) ?? 0) + 1;
      resends.set(original.id, count);
      return deliver(fresh(`${original.id}.resend${count}`, original.taskId, original.event, route.url, original.id), route);
    },
    resume(delivery, signed) {
      keep(delivery);
      waiting.push({ delivery, signed });
      sendWhatSettingsAllow();
    },
    settingsChanged: sendWhatSettingsAllow,
    get: (id) => deliveries.get(id),
    list: (taskId) => [...deliveries.values()].filter((delivery) => taskId === undefined || delivery.taskId === taskId).reverse(),
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    close() {
      closed = true;
      waiting.length = 0;
      journalWrites.close();
    },
  };
}
