import { withSignature } from "../tiw/signing.js";
import type { WhiteboardPushEvent } from "../tiw/events.js";
import { expiredExpireTime, expireTimeAt } from "../tiw/time-rules.js";
import type { Fault } from "../store/index.js";

/** Faults that make a body a forgery a correct receiver must reject. */
export const forgedFaults = ["bad-sign", "expired", "wrong-app", "malformed"] as const;
export type ForgedFault = (typeof forgedFaults)[number];
/** Every change made to a body at send time, named as the journal records it; `unknown-fields` keeps it valid (receivers must ignore unknown fields). */
export type { Fault };
export const faults: readonly Fault[] = [...forgedFaults, "unknown-fields"];

export function isForged(fault: Fault | undefined): fault is ForgedFault {
  return fault !== undefined && fault !== "unknown-fields";
}

/** Faults that forge a signature, and so need the real key to be meaningful. */
export const signatureFaults: readonly Fault[] = ["bad-sign", "expired"];

export interface FaultContext {
  callbackKey?: string;
  /** Unix seconds at send time, on the wall clock. */
  nowSeconds: number;
  expireWindowSeconds: number;
  random: () => number;
}

/**
 * The JSON text sent for `event` with `fault` applied. Each forgery breaks exactly one check of
 * `verifyCallback`, so a receiver that rejects it proves that check works.
 */
export function faultyBody(event: WhiteboardPushEvent, fault: Fault, context: FaultContext): string {
  const { callbackKey, nowSeconds, expireWindowSeconds } = context;
  const freshExpiry = expireTimeAt(event.Timestamp, nowSeconds, expireWindowSeconds);
  switch (fault) {
    case "bad-sign":
      // A well-formed signature of the right expiry under another key.
      return JSON.stringify(withSignature(event, `${callbackKey ?? ""}-forged`, freshExpiry));
    case "expired": {
      return JSON.stringify(withSignature(event, requireKey(callbackKey, fault), expiredExpireTime(nowSeconds)));
    }
    case "wrong-app":
      return JSON.stringify(signed({ ...event, SdkAppId: otherApp(event.SdkAppId) }, callbackKey, freshExpiry));
    case "unknown-fields": {
      const extended = {
        ...event,
        EventData: { ...event.EventData, FutureField: "added by tiw-push-kit --chaos unknown-fields" },
        ExtensionInfo: { Note: "unknown top-level field; receivers must ignore it" },
      };
      return JSON.stringify(signed(extended, callbackKey, freshExpiry));
    }
    case "malformed":
      return malformed(signed(event, callbackKey, freshExpiry), context.random);
  }
}

function signed<B extends object>(body: B, callbackKey: string | undefined, expireTime: number): B {
  return callbackKey === undefined ? body : withSignature(body, callbackKey, expireTime);
}

function requireKey(callbackKey: string | undefined, fault: Fault): string {
  if (callbackKey === undefined) throw new RangeError(`tiw-push-kit: the ${fault} fault needs a callback key`);
  return callbackKey;
}

function otherApp(sdkAppId: number): number {
  return sdkAppId >= 4294967295 ? sdkAppId - 1 : sdkAppId + 1;
}

/** One of three ways a body breaks: cut short, a field of the wrong type, a required field missing. */
function malformed(event: WhiteboardPushEvent, random: () => number): string {
  const text = JSON.stringify(event);
  const variant = Math.floor(random() * 3);
  if (variant === 0) return text.slice(0, Math.floor(text.length / 2));
  if (variant === 1) return JSON.stringify({ ...event, EventData: { ...event.EventData, RoomId: String(event.EventData.RoomId) } });
  const withoutTaskId: Partial<WhiteboardPushEvent["EventData"]> = { ...event.EventData };
  delete withoutTaskId.TaskId;
  return JSON.stringify({ ...event, EventData: withoutTaskId });
}
