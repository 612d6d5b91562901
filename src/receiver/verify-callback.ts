import { isEventType, validateEvent, type SchemaIssue } from "../spec/validation.js";
import { verify } from "../tiw/signing.js";
import type { WhiteboardPushEvent } from "../tiw/events.js";
import { utf8ByteLength } from "./utf8-byte-length.js";

/**
 * How callbacks are authenticated: with the key set by `SetWhiteboardPushCallbackKey`, or, by an
 * explicit opt-in, not at all, as TIW sends them when no key is set (no `Sign`, no `ExpireTime`).
 * Unsigned, anyone who can reach the receiver can forge a callback.
 */
export type CallbackAuthentication = { callbackKey: string; unsigned?: false } | { unsigned: true; callbackKey?: undefined };

interface VerifyLimits {
  /** The app(s) this receiver belongs to; a callback of any other `SdkAppId` is rejected. */
  sdkAppId?: number | readonly number[];
  /** The current time in Unix seconds (default: the system clock). */
  now?: number;
  /** Tolerated clock difference with TIW, in seconds, when checking `ExpireTime` (default 0). */
  maxSkewSeconds?: number;
  /** Largest accepted body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Deepest nesting of arrays and objects accepted (default 32; a TIW body has 3), so that code handling the event never recurses out of stack. */
  maxDepth?: number;
}

export type VerifyOptions = VerifyLimits & CallbackAuthentication;

export type VerifyFailureReason =
  | "too_large"
  | "malformed_json"
  | "unknown_event"
  | "schema"
  | "missing_signature"
  | "unexpected_signature"
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
export const defaultMaxDepth = 32;

const statusOf: Record<VerifyFailureReason, VerifyFailure["status"]> = {
  too_large: 413,
  malformed_json: 400,
  unknown_event: 400,
  schema: 400,
  missing_signature: 401,
  unexpected_signature: 401,
  bad_signature: 401,
  expired: 401,
  wrong_app: 403,
};

function fail(reason: VerifyFailureReason, message: string, issues?: SchemaIssue[]): VerifyFailure {
  return { ok: false, reason, message, status: statusOf[reason], ...(issues ? { issues } : {}) };
}

/**
 * Parses, validates and authenticates one TIW whiteboard push callback body. Never throws on a
 * body, whatever it is; throws a `TypeError` for options that would weaken a check (a missing
 * or empty key without `unsigned: true`, a time or limit that is not a number), so a misconfigured
 * receiver fails loudly instead of accepting forgeries. With `unsigned: true` a body carrying `Sign`
 * or `ExpireTime` is refused (`unexpected_signature`): TIW has a key that this receiver lacks.
 *
 * @example
 * const result = verifyCallback(await request.text(), { callbackKey, sdkAppId: 1400000001 });
 * if (!result.ok) return new Response(result.message, { status: result.status });
 */
export function verifyCallback(rawBody: string | Uint8Array, options: VerifyOptions): VerifyResult {
  checkOptions(options);
  return verifyChecked(rawBody, settingsOf(options), options.now ?? Math.floor(Date.now() / 1000));
}

export type VerifierOptions = Omit<VerifyLimits, "now"> &
  CallbackAuthentication & {
    /** The current time in Unix seconds, read per callback (default: the system clock). */
    now?: () => number;
  };

/**
 * `verifyCallback` with its options checked once, at setup: a receiver built on it throws at
 * start on a missing key or a bad limit, instead of failing every request.
 *
 * @example
 * const verifyTiwCallback = createVerifier({ callbackKey: process.env.TIW_CALLBACK_KEY ?? "", sdkAppId: 1400000001 }); // throws here when unset
 * const result = verifyTiwCallback(await request.text());
 */
export function createVerifier(options: VerifierOptions): (rawBody: string | Uint8Array) => VerifyResult {
  checkOptions({ ...options, now: undefined });
  const clock = options.now ?? (() => Math.floor(Date.now() / 1000));
  const settings = settingsOf(options);
  return (rawBody) => {
    const now = clock();
    if (!Number.isSafeInteger(now)) throw new TypeError(`tiw-push-kit: now() must give Unix seconds, got ${String(now)}`);
    return verifyChecked(rawBody, settings, now);
  };
}

/** The checked options with their defaults filled in, worked out once per verifier rather than per callback. */
interface Settings {
  /** Undefined when unsigned. */
  callbackKey: string | undefined;
  apps: readonly number[] | undefined;
  maxSkewSeconds: number;
  maxBodyBytes: number;
  maxDepth: number;
}

function settingsOf(options: Omit<VerifyLimits, "now"> & CallbackAuthentication): Settings {
  return {
    callbackKey: options.unsigned === true ? undefined : options.callbackKey,
    apps: options.sdkAppId === undefined ? undefined : [options.sdkAppId].flat(),
    maxSkewSeconds: options.maxSkewSeconds ?? 0,
    maxBodyBytes: options.maxBodyBytes ?? defaultMaxBodyBytes,
    maxDepth: options.maxDepth ?? defaultMaxDepth,
  };
}

const utf8 = new TextDecoder();

function verifyChecked(rawBody: string | Uint8Array, settings: Settings, now: number): VerifyResult {
  const { maxBodyBytes, maxDepth, apps } = settings;
  if (typeof rawBody !== "string" && !(rawBody instanceof Uint8Array)) return fail("malformed_json", "body is missing: expected JSON text or bytes");
  // A UTF-16 unit is at most 3 UTF-8 bytes: a text short enough needs no counting.
  const size = typeof rawBody !== "string" ? rawBody.byteLength : rawBody.length * 3 <= maxBodyBytes ? 0 : utf8ByteLength(rawBody);
  if (size > maxBodyBytes) return fail("too_large", `body of ${size} bytes exceeds the limit of ${maxBodyBytes}`);

  let body: unknown;
  try {
    body = JSON.parse(typeof rawBody === "string" ? rawBody : utf8.decode(rawBody));
  } catch (error) {
    return fail("malformed_json", `body is not valid JSON: ${(error as Error).message}`);
  }
  if (deeperThan(body, maxDepth)) return fail("malformed_json", `body nests arrays or objects deeper than ${maxDepth} levels`);

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

  const refused = settings.callbackKey === undefined ? unexpectedSignature(event) : badSignature(event, settings.callbackKey, now, settings.maxSkewSeconds);
  if (refused) return refused;
  if (apps && !apps.includes(event.SdkAppId)) {
    return fail("wrong_app", `SdkAppId ${event.SdkAppId} is not ${apps.join(" or ")}`);
  }
  return { ok: true, event };
}

function unexpectedSignature(event: WhiteboardPushEvent): VerifyFailure | undefined {
  if (event.Sign === undefined && event.ExpireTime === undefined) return undefined;
  return fail("unexpected_signature", "Sign or ExpireTime is present, so TIW has a callback key: configure the same key here instead of running unsigned");
}

/** Why a callback's signature is refused under `callbackKey`, if it is. */
function badSignature(event: WhiteboardPushEvent, callbackKey: string, now: number, maxSkewSeconds: number): VerifyFailure | undefined {
  if (event.Sign === undefined || event.ExpireTime === undefined) {
    return fail("missing_signature", "Sign and ExpireTime are required when a callback key is configured");
  }
  if (!verify(callbackKey, event.ExpireTime, event.Sign)) return fail("bad_signature", "Sign does not match md5(callbackKey + ExpireTime)");
  if (event.ExpireTime + maxSkewSeconds < now) {
    return fail("expired", `ExpireTime ${event.ExpireTime} is ${now - event.ExpireTime} s in the past`);
  }
  return undefined;
}

/** Throws a `TypeError` naming the first option that would make a check meaningless. */
function checkOptions(options: VerifyOptions): void {
  const invalid = (message: string) => {
    throw new TypeError(`tiw-push-kit: ${message}`);
  };
  if (typeof options !== "object" || options === null) invalid("verifyCallback needs options with a callbackKey (or unsigned: true)");
  if (options.unsigned !== undefined && typeof options.unsigned !== "boolean") invalid(`unsigned must be true or false, got ${String(options.unsigned)}`);
  if (options.unsigned === true) {
    if (options.callbackKey !== undefined) invalid("give either callbackKey or unsigned: true, not both");
  } else if (typeof options.callbackKey !== "string" || options.callbackKey === "") {
    invalid("callbackKey must be a non-empty string: is the key set (e.g. TIW_CALLBACK_KEY)? Without a key on TIW, opt in with unsigned: true");
  }
  const isWhole = (value: unknown, min: number) => typeof value === "number" && Number.isSafeInteger(value) && value >= min;
  if (options.now !== undefined && !isWhole(options.now, 0)) invalid(`now must be Unix seconds, got ${String(options.now)}`);
  if (options.maxSkewSeconds !== undefined && !isWhole(options.maxSkewSeconds, 0)) invalid(`maxSkewSeconds must be a whole number >= 0, got ${String(options.maxSkewSeconds)}`);
  if (options.maxBodyBytes !== undefined && !isWhole(options.maxBodyBytes, 1)) invalid(`maxBodyBytes must be a whole number >= 1, got ${String(options.maxBodyBytes)}`);
  if (options.maxDepth !== undefined && !isWhole(options.maxDepth, 1)) invalid(`maxDepth must be a whole number >= 1, got ${String(options.maxDepth)}`);
  const apps = options.sdkAppId === undefined ? [] : [options.sdkAppId].flat();
  if (apps.some((app) => !isWhole(app, 1))) invalid(`sdkAppId must be whole numbers >= 1, got ${String(options.sdkAppId)}`);
}

/**
 * Whether arrays and objects nest deeper than `limit`; walked without recursion, stopping at the
 * first too deep. Two stacks side by side, so a walk allocates no pair per node.
 */
function deeperThan(value: unknown, limit: number): boolean {
  const nodes: unknown[] = [value];
  const depths: number[] = [1];
  for (let node = nodes.pop(); depths.length > 0; node = nodes.pop()) {
    const depth = depths.pop() ?? 0;
    if (typeof node !== "object" || node === null) continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? (node as unknown[]) : Object.values(node)) {
      if (typeof child !== "object" || child === null) continue;
      nodes.push(child);
      depths.push(depth + 1);
    }
  }
  return false;
}
