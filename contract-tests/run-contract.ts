import type { FetchHandler } from "../src/tiw/fetch-handler.js";
import type { WhiteboardPushStartedEvent } from "../src/tiw/events.js";
import { isHttpUrl } from "../src/tiw/http-url.js";
import { freshSeed } from "../src/generate/generate.js";
import { unixSeconds } from "../src/tiw/time-rules.js";
import { CheckFailure, CheckSkipped, levels, type Check, type CheckResult, type Level, type Prerequisite } from "./check.js";
import { checks } from "./checks.js";
import { describeReceived } from "./evidence.js";
import { hintsOf } from "./hints.js";
import { createSession, type Inspect, type Session } from "./session.js";
import { handlerTransport, httpTransport, type Transport } from "./transport.js";

export interface ContractOptions {
  /** The receiver's callback URL, reached over HTTP. Give this or `handler`. */
  target?: string;
  /** The receiver as a `(Request) => Promise<Response>` handler, called in-process: no network. */
  handler?: FetchHandler;
  /** The callback key the receiver verifies `Sign` with. Give this or `unsigned: true`. */
  callbackKey?: string;
  /**
   * The unsigned profile, for a receiver of an app without a callback key: callbacks are sent as TIW
   * then sends them, without `Sign` and `ExpireTime`, and the signature checks are skipped (not run,
   * so `complete` is false, and `requireAll` fails them).
   */
  unsigned?: boolean;
  /** The receiver's own SdkAppId; the suite also sends callbacks of another one, which must be refused. */
  sdkAppId: number;
  /** Default `basic`. `strict` adds the strict checks and fails an answer body other than `{"error_code":0}`. */
  level?: Level;
  /** Runs only these checks (by name), whatever their level. */
  only?: readonly string[];
  /**
   * Reads the receiver's state of a task for the state checks: a URL template with `{TaskId}`
   * (absolute, or relative to the callback URL) answering JSON, or a function. Without it the
   * state checks are skipped.
   */
  inspect?: string | Inspect;
  /** Opt-in: the receiver confirms tasks with DescribeWhiteboardPush, so `rejects-unknown-task` runs. */
  hardened?: boolean;
  /**
   * Opt-in: `recovers-lost-callback` runs. `api` is the base URL of the TIW API stand-in (`serve`,
   * whose callback URL is the receiver) that the receiver's TIW client calls; the receiver has
   * `waitSeconds` (default 30) to ask DescribeWhiteboardPush about a task whose Stopped was lost.
   */
  recovery?: { api: string; waitSeconds?: number };
  /** Called with each task's Started before its callbacks are sent, e.g. to register it with the TIW API stand-in. */
  announce?: (started: WhiteboardPushStartedEvent) => Promise<void> | void;
  /** Time budget for each answer in milliseconds (default 3000). Requests are abandoned after three times this. */
  timeoutMs?: number;
  /** Used for HTTP targets and inspect URLs (default the global `fetch`). */
  fetch?: typeof fetch;
  /** Extra headers on every request to an HTTP target (a gateway's token, say). */
  headers?: Readonly<Record<string, string>>;
  /** Decides task ids and data, to reproduce a run (default random). */
  seed?: number | string;
  /** Unix seconds to sign against (default the system clock). */
  now?: () => number;
  /**
   * A check that could not run (a missing prerequisite, or nothing left to judge) counts as failed
   * instead of skipped, so `ok` means every check ran and passed. The level does not imply it:
   * levels choose the checks, this says whether all of them must have run.
   */
  requireAll?: boolean;
  /**
   * How long before it is sent each task's last callback happened, in seconds (default 0). Tasks
   * are the shortest the protocol allows, so a valid callback arrives this long after its
   * `Timestamp`, plus the task's length for a Started sent with its Stopped: at most 305 s for an
   * AUTO task (AutoStopTimeout is at least 300 s), 60 s for the others.
   */
  eventAgeSeconds?: number;
}

/** A check chosen by level and `only`, with why it will not run when a prerequisite is missing. */
export interface PlannedCheck {
  check: Check;
  skipReason?: string;
}

export interface ContractReport {
  target: string;
  level: Level;
  seed: number | string;
  budgetMs: number;
  /** True when no check failed (warnings and skipped optional checks do not count; with `requireAll` a skipped one fails). */
  ok: boolean;
  /** True when every check ran: with skipped checks, the receiver is not shown to meet the whole contract. */
  complete: boolean;
  /** What most likely went wrong when failures share one cause (for example a different callback key). */
  hints: string[];
  passed: number;
  failed: number;
  warned: number;
  skipped: number;
  interrupted: boolean;
  results: CheckResult[];
}

export interface RunHooks {
  /** Called as each check starts (not for skipped ones). */
  onStart?: (check: Check, index: number, total: number) => void;
  /** Called as each check finishes, for progress output. */
  onResult?: (result: CheckResult, index: number, total: number) => void | Promise<void>;
  /** Stops the run between checks; the remaining ones are reported as skipped. */
  signal?: AbortSignal;
}

/** The target cannot be reached at all; nothing was checked. */
export class UnreachableTargetError extends Error {}

export const defaultBudgetMs = 3000;

const missing: Record<Prerequisite, string> = {
  inspect: "needs a way to read the receiver's state (--inspect-url, or the inspect option)",
  hardened: "opt-in for receivers that confirm tasks with DescribeWhiteboardPush (--hardened, or hardened: true)",
  recovery: "opt-in: needs the TIW API stand-in that your receiver's TIW client calls (--recovery-api URL, or the recovery option)",
};

export const defaultRecoveryWaitSeconds = 30;

/** Prerequisites that are opt-ins: their checks are left out of a run unless opted in or named. */
const optIns: readonly Prerequisite[] = ["hardened", "recovery"];

const unsignedSkipReason = "unsigned profile: TIW sends no Sign or ExpireTime without a callback key, so there is no signature to check (give the key, --key or callbackKey, to run it)";

function invalid(message: string): never {
  throw new RangeError(`tiw-push-kit: ${message}`);
}

/** The checks a run with these options performs, in order. Throws a `RangeError` for an unknown level or check name. */
export function planChecks(options: Pick<ContractOptions, "level" | "only" | "inspect" | "hardened" | "unsigned" | "recovery">): PlannedCheck[] {
  const level = options.level ?? "basic";
  if (!levels.includes(level)) invalid(`level must be one of ${levels.join(", ")}, got '${String(level)}'`);
  const unknown = options.only?.filter((name) => !checks.some((check) => check.name === name));
  if (unknown?.length) invalid(`unknown check ${unknown.map((name) => `'${name}'`).join(", ")}; the checks are ${checks.map((check) => check.name).join(", ")}`);
  const present: Record<Prerequisite, boolean> = { inspect: options.inspect !== undefined, hardened: options.hardened === true, recovery: options.recovery !== undefined };
  // An opt-in check that was not opted in is left out, unless asked for by name (then it is reported as skipped).
  const selected = options.only
    ? checks.filter((check) => options.only?.includes(check.name))
    : checks.filter((check) => (level === "strict" || check.level === "basic") && (!check.needs || !optIns.includes(check.needs) || present[check.needs]));
  return selected.map((check) => {
    if (options.unsigned === true && check.checksSignature) return { check, skipReason: unsignedSkipReason };
    return check.needs && !present[check.needs] ? { check, skipReason: missing[check.needs] } : { check };
  });
}

/** Checks the options, then makes sure the receiver answers at all, so that a wrong URL is one clear error. */
export async function openSession(options: ContractOptions): Promise<Session> {
  if ((options.target === undefined) === (options.handler === undefined)) invalid("give either target (a URL) or handler (a fetch handler)");
  if (options.target !== undefined && !isHttpUrl(options.target)) invalid(`target must be an http(s) URL, got '${options.target}'`);
  if (options.unsigned === true) {
    if (options.callbackKey !== undefined) invalid("give either callbackKey or unsigned: true, not both");
  } else if (typeof options.callbackKey !== "string" || options.callbackKey === "") {
    invalid("callbackKey is required, or unsigned: true for a receiver without a callback key");
  }
  if (!Number.isSafeInteger(options.sdkAppId) || options.sdkAppId < 1) invalid(`sdkAppId must be a whole number >= 1, got ${options.sdkAppId}`);
  const budgetMs = options.timeoutMs ?? defaultBudgetMs;
  if (!Number.isSafeInteger(budgetMs) || budgetMs < 1) invalid(`timeoutMs must be a whole number of milliseconds >= 1, got ${budgetMs}`);
  const eventAgeSeconds = options.eventAgeSeconds ?? 0;
  if (!Number.isSafeInteger(eventAgeSeconds) || eventAgeSeconds < 0) invalid(`eventAgeSeconds must be a whole number of seconds >= 0, got ${eventAgeSeconds}`);
  if (typeof options.inspect === "string" && !options.inspect.includes("{TaskId}")) invalid(`the inspect URL must contain {TaskId}, got '${options.inspect}'`);
  const recoveryWaitSeconds = options.recovery?.waitSeconds ?? defaultRecoveryWaitSeconds;
  if (options.recovery && !isHttpUrl(options.recovery.api)) invalid(`recovery.api must be an http(s) URL, got '${options.recovery.api}'`);
  if (!Number.isSafeInteger(recoveryWaitSeconds) || recoveryWaitSeconds < 1) invalid(`recovery.waitSeconds must be a whole number of seconds >= 1, got ${recoveryWaitSeconds}`);

  const transport: Transport = options.handler ? handlerTransport(options.handler) : httpTransport(options.target ?? "", options.fetch, options.headers);
  const session = createSession({
    transport,
    callbackKey: options.unsigned === true ? undefined : options.callbackKey,
    sdkAppId: options.sdkAppId,
    strict: (options.level ?? "basic") === "strict",
    budgetMs,
    seed: options.seed ?? freshSeed(),
    now: options.now ?? (() => unixSeconds(Date.now())),
    eventAgeSeconds,
    ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
    ...(options.announce === undefined ? {} : { announce: options.announce }),
    ...(options.recovery === undefined ? {} : { recovery: { api: options.recovery.api, waitMs: recoveryWaitSeconds * 1000, fetch: options.fetch ?? globalThis.fetch } }),
  });
  // Any HTTP answer, even a 405, shows something listens; a GET changes nothing on a receiver.
  const probe = await transport.send("GET", transport.url, undefined, session.requestTimeoutMs);
  if (!probe.answer) throw new UnreachableTargetError(`tiw-push-kit: cannot reach the receiver at ${transport.url}: ${describeReceived(probe)}`);
  return session;
}

/** The fields a check's result shares with the check itself. */
function resultBase(check: Check) {
  return { name: check.name, description: check.description, level: check.level, optional: check.needs !== undefined };
}

export async function runCheck(check: Check, session: Session): Promise<CheckResult> {
  const base = resultBase(check);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const warning = await check.run(session);
    if (!warning) return { ...base, status: "pass", durationMs: elapsed() };
    return { ...base, status: "warn", message: warning.warning, ...(warning.evidence ? { evidence: warning.evidence } : {}), durationMs: elapsed() };
  } catch (error) {
    if (error instanceof CheckSkipped) return { ...base, status: "skip", message: error.message, durationMs: elapsed() };
    if (error instanceof CheckFailure) return { ...base, status: "fail", message: error.message, ...(error.evidence ? { evidence: error.evidence } : {}), durationMs: elapsed() };
    // A throwing inspect or announce hook: the check could not do its job, which must not pass.
    return { ...base, status: "fail", message: `the check could not run: ${(error as Error).message}`, durationMs: elapsed() };
  }
}

/**
 * Runs the receiver contract and reports every check. Throws `UnreachableTargetError` when the
 * target does not answer, and a `RangeError` for invalid options.
 *
 * @example
 * const report = await runContract({ handler: receiver.fetch, callbackKey: "k", sdkAppId: 1400000001, level: "strict" });
 * if (!report.ok) console.error(report.results.filter((result) => result.status === "fail"));
 */
export async function runContract(options: ContractOptions, hooks: RunHooks = {}): Promise<ContractReport> {
  const plan = planChecks(options);
  const session = await openSession(options);
  const results: CheckResult[] = [];
  for (const { check, skipReason } of plan) {
    const reason = hooks.signal?.aborted ? "interrupted" : skipReason;
    if (!reason) hooks.onStart?.(check, results.length + 1, plan.length);
    const outcome: CheckResult = reason ? { ...resultBase(check), status: "skip", message: reason, durationMs: 0 } : await runCheck(check, session);
    const result: CheckResult =
      options.requireAll && outcome.status === "skip" && reason !== "interrupted" ? { ...outcome, status: "fail", message: `not run: ${outcome.message ?? "skipped"} (required by requireAll)` } : outcome;
    results.push(result);
    await hooks.onResult?.(result, results.length, plan.length);
  }
  const count = (status: CheckResult["status"]) => results.filter((result) => result.status === status).length;
  return {
    target: session.url,
    level: options.level ?? "basic",
    seed: session.seed,
    budgetMs: session.budgetMs,
    ok: count("fail") === 0 && !hooks.signal?.aborted,
    passed: count("pass"),
    failed: count("fail"),
    warned: count("warn"),
    skipped: count("skip"),
    complete: count("skip") === 0,
    hints: hintsOf(results, session.callbackKey === undefined),
    interrupted: hooks.signal?.aborted === true,
    results,
  };
}
