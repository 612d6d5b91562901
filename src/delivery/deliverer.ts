import { randomUUID } from "node:crypto";
import { setTimeout as sleepFor } from "node:timers/promises";
import type { EventType, WhiteboardPushEvent } from "../tiw/events.js";
import type { FetchHandler } from "../tiw/fetch-handler.js";
import { isHttpUrl } from "../tiw/http-url.js";
import { sign } from "../tiw/signing.js";
import { defaultExpireWindowSeconds, expireTimeAt, unixSeconds } from "../tiw/time-rules.js";
import type { AttemptRecord, EventStatus, Journal } from "../store/index.js";
import { faultyBody, isForged, type Fault } from "./faults.js";
import { journalEntry } from "./record-plan.js";
import { backoffDelay, defaultRetryPolicy, type RetryPolicy } from "./retry-policy.js";
import { untilSettledOrAborted } from "./until-settled-or-aborted.js";
import { describeError } from "./transport/describe-error.js";
import { createFetchTransport } from "./transport/fetch-transport.js";
import { createHandlerTransport, inProcessUrl } from "./transport/handler-transport.js";
import { createHttpPoster } from "./transport/http-poster.js";
import type { Transport } from "./transport/transport.js";

/** An http(s) callback URL, or an in-process fetch handler (tests, the TIW API stand-in). */
export type CallbackTarget = string | FetchHandler;

export interface DelivererOptions extends Partial<RetryPolicy> {
  /**
   * Where deliveries go unless `deliver` names another URL. A fetch handler receives every
   * delivery in-process, with the URL `deliver` names (by default the spec's receiver operation).
   */
  target?: CallbackTarget;
  /**
   * Signs deliveries unless `deliver` gives another key: `ExpireTime` and `Sign` are recomputed at
   * every send and retry, on the wall clock: `ExpireTime = max(send second, Timestamp) +
   * expireWindowSeconds` (see `expireTimeAt`).
   */
  callbackKey?: string;
  /** Default 300 s. */
  expireWindowSeconds?: number;
  /** Extra request headers on every delivery (a gateway's token, say); `Content-Type` stays `application/json`. */
  headers?: Readonly<Record<string, string>>;
  /** Per attempt, until the response body is read (default 10 000 ms, the tencent profile's). */
  timeoutMs?: number;
  /** When given, every event and every attempt is recorded. */
  journal?: Journal;
  /** Sends to URLs through this `fetch` instead of the kit's own HTTP client (tests, a proxy-aware fetch). */
  fetch?: typeof fetch;
  /** The wall clock in Unix milliseconds (default `Date.now`): signatures and attempt times follow it, never a virtual clock. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1), for the backoff jitter and the malformed variants (default `Math.random`). */
  random?: () => number;
  /** Live feed of every attempt with the body it sent (dashboard, `--verbose`). */
  onAttempt?: (attempt: SentAttempt) => void;
}

export interface DeliverOptions {
  /** This delivery's callback URL, instead of the `target` of `createDeliverer`. */
  target?: string;
  /** This delivery's key, instead of the `callbackKey` of `createDeliverer`; without either the body is sent unsigned. */
  callbackKey?: string;
  /** An id already in the journal continues that record (resend, resume); a new one is recorded. */
  eventId?: string;
  /** The journal is known to hold `eventId` already (a recorded plan): skips looking it up. */
  recorded?: boolean;
  source?: string;
  /** When the event was created, wall-clock Unix ms, as journaled (default: when `deliver` is called). */
  createdAt?: number;
  fault?: Fault;
  /** Send the body as given, without recomputing `ExpireTime` and `Sign`. */
  keepSign?: boolean;
  /** Stops retrying when aborted; the event then stays `pending`. The attempt in flight finishes. */
  signal?: AbortSignal;
}

/** An attempt as the journal records it, with the exact body it sent. */
export interface SentAttempt extends AttemptRecord {
  body: string;
}

export interface DeliveryOutcome {
  eventId: string;
  taskId: string;
  eventType: EventType;
  /** `pending` only when stopped by `signal` before an answer. */
  status: EventStatus;
  fault?: Fault;
  /** Whether the body was a forgery the receiver should have rejected. */
  forged: boolean;
  attempts: number;
  /** Of the last attempt. */
  statusCode?: number;
  error?: string;
  latencyMs: number;
}

export interface Deliverer {
  /** Records the event (if journaled), sends it, retries per policy; resolves with the outcome, never rejects on HTTP/network errors. */
  deliver(event: WhiteboardPushEvent, options?: DeliverOptions): Promise<DeliveryOutcome>;
  /** Flushes the journal's pending batch and closes idle connections. */
  close(): Promise<void>;
}

export const defaultTimeoutMs = defaultRetryPolicy.timeoutMs;
const snippetLength = 200;
/** Enough bytes for `snippetLength` characters of any text: a UTF-16 unit takes at most 3 UTF-8 bytes. */
const snippetBytes = snippetLength * 3;
const jsonHeaders = { "Content-Type": "application/json" };

/**
 * Delivers callbacks the way TIW does: HTTP POST of the JSON body, success is HTTP 200, signed at
 * sending time. Retries (timeouts, connection errors, non-200) follow the retry policy (by default
 * the `tencent` profile: 5 retries 5 s apart, 10 s per attempt); forgeries are sent once, since a receiver is expected to refuse them. One deliverer serves any
 * number of targets and keys: each delivery may name its own.
 *
 * @example
 * const deliverer = createDeliverer({ target: "http://127.0.0.1:3000/callback", callbackKey: "my-key", journal: openJournal(":memory:") });
 * const outcome = await deliverer.deliver(event); // { status: "delivered", attempts: 1, statusCode: 200, ... }
 */
export function createDeliverer(options: DelivererOptions = {}): Deliverer {
  const { journal, onAttempt } = options;
  const handler = typeof options.target === "function" ? options.target : undefined;
  const defaultTarget = typeof options.target === "string" ? options.target : undefined;
  if (defaultTarget !== undefined) checkTargetUrl(defaultTarget);
  const policy: RetryPolicy = {
    retries: options.retries ?? defaultRetryPolicy.retries,
    initialBackoffMs: options.initialBackoffMs ?? defaultRetryPolicy.initialBackoffMs,
    maxBackoffMs: options.maxBackoffMs ?? defaultRetryPolicy.maxBackoffMs,
    backoffMultiplier: options.backoffMultiplier ?? defaultRetryPolicy.backoffMultiplier,
    jitter: options.jitter ?? defaultRetryPolicy.jitter,
    timeoutMs: options.timeoutMs ?? defaultRetryPolicy.timeoutMs,
  };
  const expireWindowSeconds = options.expireWindowSeconds ?? defaultExpireWindowSeconds;
  const { timeoutMs } = policy;
  // Chosen once: URLs go through the kit's own lean HTTP/1.1 client unless a fetch is injected.
  const headers = { ...options.headers, ...jsonHeaders };
  const transport: Transport = handler ? createHandlerTransport(handler) : options.fetch ? createFetchTransport(options.fetch) : createHttpPoster();
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => sleepFor(ms));
  const random = options.random ?? Math.random;

  // Parsed once for a run of deliveries to the same target, which is how they come.
  let parsed = { target: inProcessUrl, url: new URL(inProcessUrl) };
  function urlOf(target: string): URL {
    if (target !== parsed.target) {
      checkTargetUrl(target);
      parsed = { target, url: new URL(target) };
    }
    return parsed.url;
  }

  // The signature depends only on the key and the expiry second: computed once per second, not per event.
  let lastSignature: { callbackKey: string; expireTime: number; sign: string } | undefined;
  function bodyFor(event: WhiteboardPushEvent, signing: { fault: Fault | undefined; keepSign: boolean; callbackKey: string | undefined }, atMs: number): string {
    const { fault, keepSign, callbackKey } = signing;
    const nowSeconds = unixSeconds(atMs);
    if (fault) return faultyBody(event, fault, { callbackKey, nowSeconds, expireWindowSeconds, random });
    if (keepSign || callbackKey === undefined) return JSON.stringify(event);
    const expireTime = expireTimeAt(event.Timestamp, nowSeconds, expireWindowSeconds);
    if (lastSignature?.expireTime !== expireTime || lastSignature.callbackKey !== callbackKey) {
      lastSignature = { callbackKey, expireTime, sign: sign(callbackKey, expireTime) };
    }
    return JSON.stringify({ ...event, ExpireTime: expireTime, Sign: lastSignature.sign });
  }

  /** Sends one attempt; the record of it, answered or not. */
  async function exchange(eventId: string, attempt: number, at: number, url: URL, body: string): Promise<SentAttempt> {
    const started = performance.now();
    try {
      const answer = await transport.send({ method: "POST", url, body, headers, timeoutMs, maxAnswerBytes: snippetBytes });
      const sent: SentAttempt = { eventId, attempt, at, body, statusCode: answer.status, latencyMs: performance.now() - started };
      if (answer.body) sent.responseSnippet = answer.body.slice(0, snippetLength);
      return sent;
    } catch (error) {
      return { eventId, attempt, at, body, error: describeError(error), latencyMs: performance.now() - started };
    }
  }

  /** Waits `ms`, or less when `signal` aborts; false when it did. */
  async function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
    // Checked first: an aborted delivery must not start a timer that keeps the process alive.
    if (signal?.aborted) return false;
    await untilSettledOrAborted(sleep(ms), signal);
    return !signal?.aborted;
  }

  return {
    async deliver(event, deliverOptions = {}) {
      const { fault, keepSign = false, signal } = deliverOptions;
      const target = deliverOptions.target ?? defaultTarget ?? (handler ? inProcessUrl : undefined);
      if (target === undefined) throw new RangeError("tiw-push-kit: no target: give one to createDeliverer or to deliver");
      const url = urlOf(target);
      const callbackKey = deliverOptions.callbackKey ?? options.callbackKey;
      const eventId = deliverOptions.eventId ?? `evt_${randomUUID().replaceAll("-", "").slice(0, 20)}`;
      const taskId = event.EventData.TaskId;
      const eventType = event.EventType;
      const forged = isForged(fault);
      if (journal && !(deliverOptions.recorded && deliverOptions.eventId) && !journal.hasEvent(eventId)) {
        const context = { target: handler ? "in-process" : target, hasKey: callbackKey !== undefined, createdAt: deliverOptions.createdAt ?? now() };
        journal.addEvent(journalEntry(eventId, { event, keepSign, fault, source: deliverOptions.source }, context));
        // Recorded before it is sent: a crash from here on leaves it pending, never unknown.
        await journal.flush();
      }

      const maxAttempts = forged ? 1 : policy.retries + 1;
      let attempts = 0;
      let last: SentAttempt;
      let stopped = false;
      for (;;) {
        attempts += 1;
        const at = now();
        last = await exchange(eventId, attempts, at, url, bodyFor(event, { fault, keepSign, callbackKey }, at));
        onAttempt?.(last);
        if (last.statusCode === 200 || attempts >= maxAttempts) break;
        journal?.addAttempt(last);
        if (!(await pause(backoffDelay(attempts, policy, random), signal))) {
          stopped = true;
          break;
        }
      }

      const status = statusOf(last, forged, stopped);
      // Committed with the batch of this event-loop turn; not awaited, so that the next send does not
      // wait for the disk. A kill can lose the answers of that turn, which resume re-sends.
      journal?.setOutcome(eventId, { status, attempts, at: now(), last: stopped ? undefined : last });
      const outcome: DeliveryOutcome = { eventId, taskId, eventType, status, forged, attempts, latencyMs: last.latencyMs };
      if (fault) outcome.fault = fault;
      if (last.statusCode !== undefined) outcome.statusCode = last.statusCode;
      if (last.error !== undefined) outcome.error = last.error;
      return outcome;
    },
    async close() {
      transport.close();
      await journal?.flush();
    },
  };
}

function statusOf(last: AttemptRecord, forged: boolean, stopped: boolean): EventStatus {
  if (last.statusCode === 200) return forged ? "forged-accepted" : "delivered";
  if (forged && last.statusCode !== undefined) return "forged-rejected";
  return stopped ? "pending" : "failed";
}

/** Throws a one-line `RangeError` unless `target` is an absolute http(s) URL. */
export function checkTargetUrl(target: string): void {
  if (!isHttpUrl(target)) throw new RangeError(`tiw-push-kit: target must be an http(s) URL, got '${target}'`);
}
