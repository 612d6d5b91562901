import type { KitAttempt, KitPayload, KitSignatureCheck } from "./types.js";
import type { WhiteboardPushEvent } from "../tiw/events.js";
import { verifyCallback } from "../receiver/verify-callback.js";
import { unixSeconds } from "../tiw/time-rules.js";

/** A delivery as the payload dialog needs it: its event before signing and every attempt. */
export interface SentCallback {
  id: string;
  event: WhiteboardPushEvent;
  attempts: readonly KitAttempt[];
}

/** What one attempt of a delivery put on the wire. */
export interface SentBody {
  /** 1 for the first attempt of the delivery, 2 for its first retry, ... */
  attempt: number;
  /** Wall-clock Unix milliseconds when the attempt started. */
  at: number;
  /** The JSON text sent, byte for byte. */
  body: string;
}

export interface SignedPayloadsOptions {
  sdkAppId: number;
  /** The callback key configured now, that payloads are checked with; undefined when none is. */
  callbackKey(): string | undefined;
  /** Deliveries remembered at most; the oldest are forgotten first (default 10,000, as the stand-in's deliveries). */
  maxEntries?: number;
}

export interface SignedPayloads {
  /** Keeps what an attempt sent; a later attempt of the same delivery replaces it. */
  keep(deliveryId: string, sent: SentBody): void;
  /** The body the last attempt sent, byte for byte, and whether it verifies with the configured key. */
  payload(delivery: SentCallback): KitPayload;
}

/**
 * The signed bodies the dashboard shows: the bytes each delivery's last attempt sent, as the
 * engine reported them, checked at that attempt's wall-clock time. The key is never kept here.
 */
export function createSignedPayloads(options: SignedPayloadsOptions): SignedPayloads {
  const lastSent = new Map<string, SentBody>();
  const maxEntries = options.maxEntries ?? 10_000;

  function check(body: string, at: number): KitSignatureCheck {
    const callbackKey = options.callbackKey();
    if (callbackKey === undefined) {
      return hasSign(body)
        ? { result: "unknown", reason: null, message: "No callback key is configured now, so the signature cannot be checked." }
        : { result: "unsigned", reason: null, message: "No callback key is configured: sent without ExpireTime and Sign, as TIW does." };
    }
    const result = verifyCallback(body, { callbackKey, sdkAppId: options.sdkAppId, now: unixSeconds(at) });
    if (result.ok) return { result: "valid", reason: null, message: "Verifies with the configured key: Sign matches, ExpireTime had not passed when it was sent, SdkAppId is this app's." };
    return { result: "invalid", reason: result.reason, message: result.message };
  }

  return {
    keep(deliveryId, sent) {
      // Deleted first, so that the map's order is that of the latest attempts.
      lastSent.delete(deliveryId);
      lastSent.set(deliveryId, sent);
      if (lastSent.size > maxEntries) {
        const oldest = lastSent.keys().next();
        if (!oldest.done) lastSent.delete(oldest.value);
      }
    },
    payload(delivery) {
      const sent = lastSent.get(delivery.id);
      if (sent) return { deliveryId: delivery.id, attempt: sent.attempt, sentAt: sent.at, exact: true, body: sent.body, signature: check(sent.body, sent.at) };
      const last = delivery.attempts.at(-1);
      return {
        deliveryId: delivery.id,
        attempt: last ? delivery.attempts.length : null,
        sentAt: last?.at ?? null,
        exact: false,
        body: JSON.stringify(delivery.event),
        signature: {
          result: "unknown",
          reason: null,
          message: last
            ? "Sent by an earlier run of the stand-in: the journal never keeps the callback key, so the signed body is not known. Shown unsigned."
            : "Not sent yet.",
        },
      };
    },
  };
}

function hasSign(body: string): boolean {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === "object" && parsed !== null && "Sign" in parsed;
  } catch {
    return false;
  }
}
