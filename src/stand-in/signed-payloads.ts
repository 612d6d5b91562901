import type { KitAttempt, KitPayload, KitSignatureCheck } from "./types.js";
import { faultyBody, type Fault } from "../delivery/faults.js";
import type { WhiteboardPushEvent } from "../tiw/events.js";
import { verifyCallback } from "../receiver/verify-callback.js";
import { withSignature } from "../tiw/signing.js";
import { expireTimeAt, unixSeconds } from "../tiw/time-rules.js";

/** A callback as the stand-in sent it: its event before signing, the fault applied, every attempt. */
export interface SentCallback {
  id: string;
  event: WhiteboardPushEvent;
  attempts: readonly KitAttempt[];
  fault?: Fault;
}

/** How the delivery engine built the body of a delivery: the key it signed with ("" for none) and, for faults, its random source. */
export interface Signing {
  callbackKey: string;
  random?: () => number;
}

export interface SignedPayloadsOptions {
  sdkAppId: number;
  expireWindowSeconds: number;
  /** The callback key configured now, that payloads are checked with. */
  callbackKey(): string;
  /** Deliveries remembered at most; the oldest are forgotten first (default 10,000, as the stand-in's deliveries). */
  maxEntries?: number;
}

export interface SignedPayloads {
  /** Records how a delivery is signed, when it is created; the key stays here, never in a view. */
  remember(deliveryId: string, signing: Signing): void;
  /** The body the last attempt sent, byte for byte, and whether it verifies with the configured key. */
  payload(sent: SentCallback): KitPayload;
}

/**
 * The signed bodies the dashboard shows. The engine signs at send time and keeps no copy, so a body
 * is rebuilt from what fixes it: the event, the key it was signed with, the fault, and the wall-clock
 * time of the attempt, which the engine signs with (`expireTimeAt`).
 */
export function createSignedPayloads(options: SignedPayloadsOptions): SignedPayloads {
  const signings = new Map<string, Signing>();
  const maxEntries = options.maxEntries ?? 10_000;

  function bodyOf(sent: SentCallback, signing: Signing, at: number): string {
    const nowSeconds = unixSeconds(at);
    const callbackKey = signing.callbackKey === "" ? undefined : signing.callbackKey;
    const { expireWindowSeconds } = options;
    if (sent.fault) return faultyBody(sent.event, sent.fault, { callbackKey, nowSeconds, expireWindowSeconds, random: signing.random ?? Math.random });
    return JSON.stringify(callbackKey === undefined ? sent.event : withSignature(sent.event, callbackKey, expireTimeAt(sent.event.Timestamp, nowSeconds, expireWindowSeconds)));
  }

  function check(body: string, at: number): KitSignatureCheck {
    const callbackKey = options.callbackKey();
    if (callbackKey === "") {
      return hasSign(body)
        ? { result: "unknown", reason: null, message: "No callback key is configured now, so the signature cannot be checked." }
        : { result: "unsigned", reason: null, message: "No callback key is configured: sent without ExpireTime and Sign, as TIW does." };
    }
    const result = verifyCallback(body, { callbackKey, sdkAppId: options.sdkAppId, now: unixSeconds(at) });
    if (result.ok) return { result: "valid", reason: null, message: "Verifies with the configured key: Sign matches, ExpireTime had not passed when it was sent, SdkAppId is this app's." };
    return { result: "invalid", reason: result.reason, message: result.message };
  }

  return {
    remember(deliveryId, signing) {
      signings.delete(deliveryId);
      signings.set(deliveryId, signing);
      if (signings.size > maxEntries) {
        const oldest = signings.keys().next();
        if (!oldest.done) signings.delete(oldest.value);
      }
    },
    payload(sent) {
      const last = sent.attempts.at(-1);
      const signing = signings.get(sent.id);
      if (!last || !signing) {
        return {
          deliveryId: sent.id,
          attempt: last ? sent.attempts.length : null,
          sentAt: last?.at ?? null,
          exact: false,
          body: JSON.stringify(sent.event),
          signature: {
            result: "unknown",
            reason: null,
            message: last
              ? "Sent by an earlier run of the stand-in: the journal never keeps the callback key, so the signed body is not known. Shown unsigned."
              : "Not sent yet.",
          },
        };
      }
      const body = bodyOf(sent, signing, last.at);
      return { deliveryId: sent.id, attempt: sent.attempts.length, sentAt: last.at, exact: true, body, signature: check(body, last.at) };
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
