import { randomUUID } from "node:crypto";
import { setTimeout as sleepFor } from "node:timers/promises";
import type { EventType, WhiteboardPushEvent } from "../tiw/events.js";
import { sign } from "../tiw/signing.js";
import { defaultExpireWindowSeconds, expireTimeAt, unixSeconds } from "../tiw/time-rules.js";
import { faultyBody, isForged, type Fault } from "./faults.js";
import { createHttpPoster, HttpTimeoutError } from "./transport/http-poster.js";
import { isHttpUrl } from "../tiw/http-url.js";
import { journalEntry } from "./record-plan.js";
import type { AttemptRecord, EventStatus, Journal } from "../store/index.js";
import { backoffDelay, defaultRetryPolicy, type RetryPolicy } from "./retry-policy.js";
import { untilSettledOrAborted } from "./until-settled-or-aborted.js";

/** An http(s) callback URL, or an in-process fetch handler (tests, the TIW API stand-in). */
export type CallbackTarget = string | ((request: Request) => Promise<Response>);

export interface DelivererOptions extends Partial<RetryPolicy> {
  target: CallbackTarget;
  /**
   * When set, `ExpireTime` and `Sign` are recomputed at every send and retry, on the wall clock:
   * `ExpireTime = max(send second, Timestamp) + expireWindowSeconds` (see `expireTimeAt`).
   */
  callbackKey?: string;
  /** Default 300 s. */
  expireWindowSeconds?: number;
  /** Per attempt, until the response body is read (default 5000 ms). */
  timeoutMs?: number;
  /** When given, every event and every attempt is recorded. */
  journal?: Journal;
  fetch?: typeof fetch;
  /** The wall clock in Unix milliseconds (default `Date.now`): signatures and attempt times follow it, never a virtual clock. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1), for the backoff jitter and the malformed variants (default `Math.random`). */
  random?: () => number;
  /** Live feed of every attempt (dashboard, `--verbose`). */
  onAttempt?: (attempt: AttemptRecord) => void;
}

export interface DeliverOptions {
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

export const defaultTimeoutMs = 5000;
const snippetLength = 200;
const inProcessUrl = "http://in-process.invalid/tiw/whiteboard-push/callback";
const networkErrors: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  UND_ERR_SOCKET: "connection closed by the receiver",
};

interface Exchange {
  statusCode?: number;
  latencyMs: number;
  error?: string;
  responseSnippet?: string;
}

/**
 * Delivers callbacks the way TIW does: HTTP POST of the JSON body, success is HTTP 200, signed at
 * sending time. Retries (timeouts, connection errors, non-200) back off exponentially with jitter;
 * forgeries are sent once, since a receiver is expected to refuse them.
 *
 * @example
 * const deliverer = createDeliverer({ target: "http://127.0.0.1:3000/callback", callbackKey: "my-key", journal: openJournal(":memory:") });
 * const outcome = await deliverer.deliver(event); // { status: "delivered", attempts: 1, statusCode: 200, ... }
 */
export function createDeliverer(options: DelivererOptions): Deliverer {
  const { target, callbackKey, journal, onAttempt } = options;
  if (typeof target === "string") checkTargetUrl(target);
  const policy: RetryPolicy = {
    retries: options.retries ?? defaultRetryPolicy.retries,
    initialBackoffMs: options.initialBackoffMs ?? defaultRetryPolicy.initialBackoffMs,
    maxBackoffMs: options.maxBackoffMs ?? defaultRetryPolicy.maxBackoffMs,
    backoffMultiplier: options.backoffMultiplier ?? defaultRetryPolicy.backoffMultiplier,
  };
  const expireWindowSeconds = options.expireWindowSeconds ?? defaultExpireWindowSeconds;
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  // URLs go through the kit's own lean HTTP/1.1 client unless a fetch is injected (tests, a proxy-aware fetch).
  const targetUrl = typeof target === "string" ? new URL(target) : undefined;
  const poster = targetUrl && !options.fetch ? createHttpPoster() : undefined;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => sleepFor(ms));
  const random = options.random ?? Math.random;

  // The signature depends only on the key and the expiry second: computed once per second, not per event.
  let lastSignature = { expireTime: Number.NaN, sign: "" };
  function bodyFor(event: WhiteboardPushEvent, fault: Fault | undefined, keepSign: boolean, atMs: number): string {
    const nowSeconds = unixSeconds(atMs);
    if (fault) return faultyBody(event, fault, { callbackKey, nowSeconds, expireWindowSeconds, random });
    if (keepSign || callbackKey === undefined) return JSON.stringify(event);
    const expireTime = expireTimeAt(event.Timestamp, nowSeconds, expireWindowSeconds);
    if (lastSignature.expireTime !== expireTime) lastSignature = { expireTime, sign: sign(callbackKey, expireTime) };
    return JSON.stringify({ ...event, ExpireTime: expireTime, Sign: lastSignature.sign });
  }

  async function exchange(body: string): Promise<Exchange> {
    const started = performance.now();
    try {
      const { statusCode, responseSnippet } = await send(body);
      return { statusCode, latencyMs: performance.now() - started, ...(responseSnippet ? { responseSnippet } : {}) };
    } catch (error) {
      return { error: describeError(error), latencyMs: performance.now() - started };
    }
  }

  async function send(body: string): Promise<{ statusCode: number; responseSnippet?: string }> {
    if (poster && targetUrl) {
      const answer = await poster.post(targetUrl, body, timeoutMs);
      return { statusCode: answer.statusCode, responseSnippet: answer.body.toString("utf8").slice(0, snippetLength) };
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new HttpTimeoutError(timeoutMs)), timeoutMs);
    try {
      const init = { method: "POST", headers: { "content-type": "application/json" }, body, signal: controller.signal };
      const response =
        typeof target === "string" ? await fetchImpl(target, init) : await untilAborted(target(new Request(inProcessUrl, init)), controller.signal);
      return { statusCode: response.status, responseSnippet: await snippetOf(response) };
    } catch (error) {
      throw controller.signal.aborted ? controller.signal.reason : error;
    } finally {
      clearTimeout(timer);
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
      const eventId = deliverOptions.eventId ?? `evt_${randomUUID().replaceAll("-", "").slice(0, 20)}`;
      const taskId = event.EventData.TaskId;
      const eventType = event.EventType;
      const forged = isForged(fault);
      if (journal && !(deliverOptions.recorded && deliverOptions.eventId) && !journal.hasEvent(eventId)) {
        const context = { target: typeof target === "string" ? target : "in-process", hasKey: callbackKey !== undefined, createdAt: deliverOptions.createdAt ?? now() };
        journal.addEvent(journalEntry(eventId, { event, keepSign, fault, source: deliverOptions.source }, context));
        // Recorded before it is sent: a crash from here on leaves it pending, never unknown.
        await journal.flush();
      }

      const maxAttempts = forged ? 1 : policy.retries + 1;
      let attempts = 0;
      let last: AttemptRecord;
      let stopped = false;
      for (;;) {
        attempts += 1;
        const at = now();
        last = { eventId, attempt: attempts, at, ...(await exchange(bodyFor(event, fault, keepSign, at))) };
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
      journal?.setOutcome(eventId, { status, attempts, at: now(), ...(stopped ? {} : { last }) });
      return {
        eventId,
        taskId,
        eventType,
        status,
        ...(fault ? { fault } : {}),
        forged,
        attempts,
        ...(last.statusCode !== undefined ? { statusCode: last.statusCode } : {}),
        ...(last.error !== undefined ? { error: last.error } : {}),
        latencyMs: last.latencyMs,
      };
    },
    async close() {
      poster?.close();
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

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    promise.then(resolve, reject);
  });
}

/** The start of the response body; reading stops there, so a huge answer costs nothing. */
async function snippetOf(response: Response): Promise<string | undefined> {
  if (!response.body) return undefined;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (text.length >= snippetLength) {
      await reader.cancel();
      break;
    }
  }
  return text.slice(0, snippetLength) || undefined;
}

/** One line for a failed exchange or connection: a timeout, or a readable reason with its error code. */
export function describeError(error: unknown): string {
  if (error instanceof HttpTimeoutError) return error.message;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? (error as NodeJS.ErrnoException | undefined)?.code;
  if (code) return `${networkErrors[code] ?? (cause ?? (error as Error)).message} (${code})`;
  return error instanceof Error ? (cause?.message ?? error.message) : String(error);
}
