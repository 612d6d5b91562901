import { isEventType, validateEvent, type SchemaIssue } from "../spec/validation.js";
import { verify } from "../tiw/signing.js";
import type { WhiteboardPushEvent } from "../tiw/events.js";

export interface VerifyOptions {
  /** The callback key set with `SetWhiteboardPushCallbackKey`. */
  callbackKey: string;
  /** The app(s) this receiver belongs to; a callback of any other `SdkAppId` is rejected. */
  sdkAppId?: number | readonly number[];
  /** The current time in Unix seconds (default: the system clock). */
  now?: number;
  /** Tolerated clock difference with TIW, in seconds, when checking `ExpireTime` (default 0). */
  maxSkewSeconds?: number;
  /** Largest accepted body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
}

export type VerifyFailureReason =
  | "too_large"
  | "malformed_json"
  | "unknown_event"
  | "schema"
  | "missing_signature"
  | "bad_signature"
  | "expired"
  | "wrong_app";

export interface VerifyFailure {
  ok: false;
  reason: VerifyFailureReason;
  /** One line for logs and error bodies; never contains the key. */
  message: string;
  /** The HTTP status a receiver should answer with. */
  status: 400 | 401 | 403 | 413;
  /** Present for `schema`: every way the body breaks the spec. */
  issues?: SchemaIssue[];
}

export type VerifyResult = { ok: true; event: WhiteboardPushEvent } | VerifyFailure;

export const defaultMaxBodyBytes = 1024 * 1024;

const statusOf: Record<VerifyFailureReason, VerifyFailure["status"]> = {
  too_large: 413,
  malformed_json: 400,
  unknown_event: 400,
  schema: 400,
  missing_signature: 401,
  bad_signature: 401,
  expired: 401,
  wrong_app: 403,
};

function fail(reason: VerifyFailureReason, message: string, issues?: SchemaIssue[]): VerifyFailure {
  return { ok: false, reason, message, status: statusOf[reason], ...(issues ? { issues } : {}) };
}

/**
 * Parses, validates and authenticates one TIW whiteboard push callback body. Never throws.
 *
 * @example
 * const result = verifyCallback(await request.text(), { callbackKey, sdkAppId: 1400000001 });
 * if (!result.ok) return new Response(result.message, { status: result.status });
 */
export function verifyCallback(rawBody: string | Uint8Array, options: VerifyOptions): VerifyResult {
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const size = typeof rawBody === "string" ? Buffer.byteLength(rawBody) : rawBody.byteLength;
  if (size > maxBodyBytes) return fail("too_large", `body of ${size} bytes exceeds the limit of ${maxBodyBytes}`);

  let body: unknown;
  try {
    body = JSON.parse(typeof rawBody === "string" ? rawBody : new TextDecoder().decode(rawBody));
  } catch (error) {
    return fail("malformed_json", `body is not valid JSON: ${(error as Error).message}`);
  }

  const eventType = (body as { EventType?: unknown } | null)?.EventType;
  if (typeof body === "object" && body !== null && eventType !== undefined && !isEventType(eventType)) {
    return fail("unknown_event", `EventType ${JSON.stringify(eventType)} is not a whiteboard push event`);
  }
  const checked = validateEvent(body);
  if (!checked.ok) {
    const first = checked.issues[0];
    return fail("schema", `body does not match the spec: ${first?.pointer || "/"} ${first?.message}`, checked.issues);
  }
  const { event } = checked;

  if (event.Sign === undefined || event.ExpireTime === undefined) {
    return fail("missing_signature", "Sign and ExpireTime are required when a callback key is configured");
  }
  if (!verify(options.callbackKey, event.ExpireTime, event.Sign)) {
    return fail("bad_signature", "Sign does not match md5(callbackKey + ExpireTime)");
  }
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (event.ExpireTime + (options.maxSkewSeconds ?? 0) < now) {
    return fail("expired", `ExpireTime ${event.ExpireTime} is ${now - event.ExpireTime} s in the past`);
  }
  const apps = options.sdkAppId === undefined ? undefined : [options.sdkAppId].flat();
  if (apps && !apps.includes(event.SdkAppId)) {
    return fail("wrong_app", `SdkAppId ${event.SdkAppId} is not ${apps.join(" or ")}`);
  }
  return { ok: true, event };
}
