/**
 * Wire-time checks written independently of the kit: a receiver on node:http that notes the wall
 * clock at which each callback arrives, an md5 signature check of its own, and the rules every
 * callback put on the wire must follow, judged against that arrival time. Nothing here imports the
 * kit, so a bug in the kit's signing or clock code cannot hide itself. Just over 300 lines: the
 * receiver, its own shape check and the rules belong together.
 */
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** The expire window the kit uses unless told otherwise. */
export const defaultExpireWindowSeconds = 300;
/** TIW's smallest AutoStopTimeout: no AUTO task can end sooner after it started. */
export const minAutoStopTimeoutSeconds = 300;

export const finishReasons = ["AUTO", "USER_CALL", "EXCEPTION"] as const;
export type FinishReason = (typeof finishReasons)[number];

interface WireEnvelope {
  SdkAppId: number;
  Timestamp: number;
  ExpireTime?: number;
  Sign?: string;
}

export interface StartedOnWire extends WireEnvelope {
  EventType: "WhiteboardPushStarted";
  EventData: { TaskId: string; RoomId: number; PushUserId: string; PushStartTime: number };
}

export interface StoppedOnWire extends WireEnvelope {
  EventType: "WhiteboardPushStopped";
  EventData: {
    TaskId: string;
    RoomId: number;
    GroupId: string;
    PushUserId: string;
    FinishReason: FinishReason;
    PushStartTime: number;
    PushStopTime: number;
    IMSyncTime: number;
    ExceptionCnt: number;
  };
}

/** A body with the shape of a callback (unknown extra fields allowed, as receivers must allow them). */
export type CallbackOnWire = StartedOnWire | StoppedOnWire;

/** One POST as the receiver saw it. */
export interface Arrival {
  raw: string;
  /** `Date.now()` when the request reached the receiver. */
  arrivalMs: number;
  /** What the receiver answered. */
  status: number;
  /** Undefined when the body is not JSON or not shaped like a callback. */
  callback: CallbackOnWire | undefined;
}

export interface WireRecorder {
  /** The callback URL to point a sender at. */
  url: string;
  /** Every POST, in arrival order. */
  arrivals: Arrival[];
  close(): Promise<void>;
}

export interface WireRecorderOptions {
  /**
   * When given, the receiver judges each body as a real one does, on the wall clock: 400 for a body
   * that is not a callback, 401 for a missing or wrong Sign or an ExpireTime already past, 403 for
   * another SdkAppId. Without it every POST gets 200, so a sender never retries and sends exactly
   * what it planned.
   */
  callbackKey?: string;
  sdkAppId?: number;
}

/** md5(callbackKey + String(ExpireTime)) in lowercase hex, TIW's documented signature. */
export function tiwSign(callbackKey: string, expireTime: number): string {
  return createHash("md5").update(callbackKey + String(expireTime)).digest("hex");
}

export function isSignedWith(callback: CallbackOnWire, callbackKey: string): boolean {
  return callback.ExpireTime !== undefined && callback.Sign === tiwSign(callbackKey, callback.ExpireTime);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isWholeNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value);
}

/** The body as a callback when it has the documented fields with the documented types. */
export function callbackOf(raw: string): CallbackOnWire | undefined {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isRecord(body) || !isRecord(body.EventData)) return undefined;
  const data = body.EventData;
  const envelopeShaped =
    isWholeNumber(body.SdkAppId) &&
    isWholeNumber(body.Timestamp) &&
    (body.ExpireTime === undefined || isWholeNumber(body.ExpireTime)) &&
    (body.Sign === undefined || typeof body.Sign === "string");
  const startShaped = typeof data.TaskId === "string" && data.TaskId !== "" && isWholeNumber(data.RoomId) && typeof data.PushUserId === "string" && isWholeNumber(data.PushStartTime);
  if (!envelopeShaped || !startShaped) return undefined;
  if (body.EventType === "WhiteboardPushStarted") return body as unknown as StartedOnWire;
  const stopShaped =
    typeof data.GroupId === "string" &&
    (finishReasons as readonly unknown[]).includes(data.FinishReason) &&
    isWholeNumber(data.PushStopTime) &&
    isWholeNumber(data.IMSyncTime) &&
    isWholeNumber(data.ExceptionCnt);
  if (body.EventType === "WhiteboardPushStopped" && stopShaped) return body as unknown as StoppedOnWire;
  return undefined;
}

function judge(callback: CallbackOnWire | undefined, options: WireRecorderOptions, nowMs: number): number {
  const { callbackKey, sdkAppId } = options;
  if (callbackKey === undefined) return 200;
  if (callback === undefined) return 400;
  if (!isSignedWith(callback, callbackKey)) return 401;
  // The receiver's wall clock decides: an ExpireTime before the current second is expired.
  if ((callback.ExpireTime ?? 0) < Math.floor(nowMs / 1000)) return 401;
  if (sdkAppId !== undefined && callback.SdkAppId !== sdkAppId) return 403;
  return 200;
}

/** A receiver on 127.0.0.1 and a free port that records every POST with the wall-clock time it arrived. */
export async function wireRecorder(options: WireRecorderOptions = {}): Promise<WireRecorder> {
  const arrivals: Arrival[] = [];
  const server = createServer((request, response) => {
    const arrivalMs = Date.now();
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      // verify probes with a GET first: any answer shows something listens; it is not a callback.
      if (request.method !== "POST") {
        response.writeHead(405, { allow: "POST" }).end();
        return;
      }
      const raw = Buffer.concat(chunks).toString("utf8");
      const callback = callbackOf(raw);
      const status = judge(callback, options, Date.now());
      arrivals.push({ raw, arrivalMs, status, callback });
      response.writeHead(status, { "content-type": "application/json" }).end(status === 200 ? '{"error_code":0}' : `{"error_code":${status}}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tiw/callback`,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** One broken rule on one callback; `seconds` is by how much, so the worst case can be reported. */
export interface Violation {
  rule: string;
  event: string;
  detail: string;
  seconds: number;
}

export interface ArrivedCallback {
  callback: CallbackOnWire;
  arrivalMs: number;
}

function label(callback: CallbackOnWire): string {
  return `${callback.EventType.replace("WhiteboardPush", "")} ${callback.EventData.TaskId}`;
}

const arrivalSecondFloor = (arrivalMs: number) => Math.floor(arrivalMs / 1000);
const arrivalSecondCeil = (arrivalMs: number) => Math.ceil(arrivalMs / 1000);

/** Rule 1 for a valid event: still valid on the receiver's wall clock for (almost) the whole window, and expiring after it happened. */
export function validityViolations({ callback, arrivalMs }: ArrivedCallback, windowSeconds = defaultExpireWindowSeconds): Violation[] {
  const violations: Violation[] = [];
  const expireTime = callback.ExpireTime;
  if (expireTime === undefined) return [{ rule: "rule 1: a valid event is signed", event: label(callback), detail: "no ExpireTime", seconds: Number.POSITIVE_INFINITY }];
  // One second of slack: the sender's second may tick over before the body arrives.
  const earliestExpiry = arrivalSecondFloor(arrivalMs) + windowSeconds - 1;
  if (expireTime < earliestExpiry) {
    violations.push({
      rule: `rule 1: ExpireTime >= arrival second + ${windowSeconds} - 1`,
      event: label(callback),
      detail: `ExpireTime ${expireTime} is ${earliestExpiry - expireTime} s short (arrived ${new Date(arrivalMs).toISOString()})`,
      seconds: earliestExpiry - expireTime,
    });
  }
  if (expireTime <= callback.Timestamp) {
    violations.push({
      rule: "rule 1: ExpireTime > Timestamp",
      event: label(callback),
      detail: `ExpireTime ${expireTime} is ${callback.Timestamp - expireTime} s at or before Timestamp ${callback.Timestamp}`,
      seconds: callback.Timestamp - expireTime + 1,
    });
  }
  return violations;
}

/** Rule 1 for an `expired` forgery: expired on the receiver's wall clock, whatever any virtual clock says. */
export function expiredForgeryViolations({ callback, arrivalMs }: ArrivedCallback): Violation[] {
  const expireTime = callback.ExpireTime ?? Number.POSITIVE_INFINITY;
  const arrivalSecond = arrivalSecondFloor(arrivalMs);
  if (expireTime < arrivalSecond) return [];
  return [
    {
      rule: "rule 1: an expired forgery's ExpireTime < arrival second",
      event: label(callback),
      detail: `ExpireTime ${expireTime} is still ${expireTime - arrivalSecond} s ahead of the wall clock at arrival: a receiver accepts it`,
      seconds: expireTime - arrivalSecond + 1,
    },
  ];
}

/** Rule 2, where no virtual clock runs ahead: nothing happened after the moment it arrived (1 s of slack). */
export function futureViolations({ callback, arrivalMs }: ArrivedCallback): Violation[] {
  const latest = arrivalSecondCeil(arrivalMs) + 1;
  if (callback.Timestamp <= latest) return [];
  const ahead = callback.Timestamp - arrivalSecondCeil(arrivalMs);
  return [{ rule: "rule 2: Timestamp <= arrival second + 1", event: label(callback), detail: `Timestamp ${callback.Timestamp} is ${ahead} s after it arrived`, seconds: ahead }];
}

/** Rule 3: the event's own fields agree with each other. */
export function relationViolations({ callback }: ArrivedCallback, minAutoStopSeconds = minAutoStopTimeoutSeconds): Violation[] {
  const violations: Violation[] = [];
  const broken = (rule: string, detail: string, seconds: number) => violations.push({ rule: `rule 3: ${rule}`, event: label(callback), detail, seconds });
  if (callback.EventType === "WhiteboardPushStarted") {
    const { PushStartTime } = callback.EventData;
    if (callback.Timestamp !== PushStartTime) broken("Started Timestamp == PushStartTime", `Timestamp ${callback.Timestamp}, PushStartTime ${PushStartTime}`, Math.abs(callback.Timestamp - PushStartTime));
    return violations;
  }
  const data = callback.EventData;
  if (callback.Timestamp < data.PushStopTime || callback.Timestamp > data.PushStopTime + 1) {
    broken("Stopped Timestamp in [PushStopTime, PushStopTime + 1]", `Timestamp ${callback.Timestamp}, PushStopTime ${data.PushStopTime}`, Math.abs(callback.Timestamp - data.PushStopTime));
  }
  if (data.PushStopTime < data.PushStartTime) broken("PushStopTime >= PushStartTime", `PushStartTime ${data.PushStartTime}, PushStopTime ${data.PushStopTime}`, data.PushStartTime - data.PushStopTime);
  if (data.IMSyncTime < data.PushStartTime || data.IMSyncTime > data.PushStartTime + 2) {
    broken("IMSyncTime in [PushStartTime, PushStartTime + 2]", `IMSyncTime ${data.IMSyncTime}, PushStartTime ${data.PushStartTime}`, Math.abs(data.IMSyncTime - data.PushStartTime));
  }
  if (data.GroupId !== String(data.RoomId)) broken("GroupId == String(RoomId)", `GroupId ${JSON.stringify(data.GroupId)}, RoomId ${data.RoomId}`, 0);
  const lasted = data.PushStopTime - data.PushStartTime;
  if (data.FinishReason === "AUTO" && lasted < minAutoStopSeconds) broken(`an AUTO task lasts >= ${minAutoStopSeconds} s`, `it lasted ${lasted} s`, minAutoStopSeconds - lasted);
  return violations;
}

/**
 * Where a virtual clock runs ahead, the intended signing rule is ExpireTime = max(wall second at
 * send, Timestamp) + window: ExpireTime - Timestamp must not grow with the virtual clock, and the
 * event stays valid for the window after it happened. The send second lies in [arrival second - 1,
 * arrival second].
 */
export function signingRuleViolations({ callback, arrivalMs }: ArrivedCallback, windowSeconds = defaultExpireWindowSeconds): Violation[] {
  const expireTime = callback.ExpireTime;
  if (expireTime === undefined) return [];
  const latest = Math.max(arrivalSecondFloor(arrivalMs), callback.Timestamp) + windowSeconds;
  const earliest = callback.Timestamp + windowSeconds;
  const violations: Violation[] = [];
  if (expireTime > latest) {
    violations.push({
      rule: "ExpireTime <= max(arrival second, Timestamp) + window",
      event: label(callback),
      detail: `ExpireTime - Timestamp = ${expireTime - callback.Timestamp} s, ${expireTime - latest} s more than the rule allows`,
      seconds: expireTime - latest,
    });
  }
  if (expireTime < earliest) {
    violations.push({
      rule: "ExpireTime >= Timestamp + window",
      event: label(callback),
      detail: `ExpireTime - Timestamp = ${expireTime - callback.Timestamp} s, under the ${windowSeconds} s window`,
      seconds: earliest - expireTime,
    });
  }
  return violations;
}

/** Rules 1 to 3 for a valid event; rule 2 only where no virtual clock runs ahead. */
export function validEventViolations(arrived: ArrivedCallback, options: { virtualClockAhead?: boolean; windowSeconds?: number } = {}): Violation[] {
  return [
    ...validityViolations(arrived, options.windowSeconds),
    ...(options.virtualClockAhead ? [] : futureViolations(arrived)),
    ...relationViolations(arrived),
  ];
}

/**
 * One line per broken rule (how many events, the worst excess) followed by a few examples, so a
 * failing assertion says what went wrong and by how much; empty when nothing is broken.
 */
export function summarise(violations: readonly Violation[], of: number): string[] {
  const byRule = new Map<string, Violation[]>();
  for (const violation of violations) byRule.set(violation.rule, [...(byRule.get(violation.rule) ?? []), violation]);
  return [...byRule.entries()].flatMap(([rule, broken]) => {
    const worst = broken.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    const events = new Set(broken.map((violation) => violation.event)).size;
    return [`${rule}: broken by ${events} of ${of} events, worst by ${worst.seconds} s (${worst.event}: ${worst.detail})`, ...broken.slice(0, 3).map((violation) => `  e.g. ${violation.event}: ${violation.detail}`)];
  });
}

/** The callbacks among `arrivals`, paired with their arrival times. */
export function arrivedCallbacks(arrivals: readonly Arrival[]): ArrivedCallback[] {
  return arrivals.flatMap(({ callback, arrivalMs }) => (callback ? [{ callback, arrivalMs }] : []));
}

export const taskEventKey = (callback: CallbackOnWire) => `${callback.EventData.TaskId}:${callback.EventType}`;
