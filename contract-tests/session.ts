import type { FinishReason, WhiteboardPushStartedEvent, WhiteboardPushStoppedEvent } from "../src/tiw/events.js";
import { generate, type Scenario } from "../src/generate/generate.js";
import { autoStopTimeoutRange } from "../src/tiw/defaults.js";
import { expireTimeAt } from "../src/tiw/time-rules.js";
import { withSignature } from "../src/tiw/signing.js";
import { CheckFailure } from "./check.js";
import { evidenceOf } from "./evidence.js";
import type { Exchange, Transport } from "./transport.js";

/** One push task the suite has not used before: its two callbacks, unsigned. */
export interface Task {
  taskId: string;
  started: WhiteboardPushStartedEvent;
  stopped: WhiteboardPushStoppedEvent;
}

/** The TIW API stand-in (`serve`) that the receiver's TIW client calls, for `recovers-lost-callback`. */
export interface RecoveryTarget {
  /** Its base URL, e.g. `http://127.0.0.1:4010`. */
  api: string;
  /** How long the receiver has to ask DescribeWhiteboardPush about a task whose Stopped was lost. */
  waitMs: number;
  fetch: typeof fetch;
}

/** Reads the receiver's state of one task; `undefined` when the receiver does not know it. */
export type Inspect = (taskId: string) => Promise<unknown>;

export interface SessionOptions {
  transport: Transport;
  /** Undefined in the unsigned profile: callbacks are then sent without Sign and ExpireTime. */
  callbackKey: string | undefined;
  sdkAppId: number;
  strict: boolean;
  /** Each answer must come within this many milliseconds (checked by `answers-in-time`). */
  budgetMs: number;
  /** Decides the task ids and data; the same seed gives the same callbacks. */
  seed: number | string;
  /** Unix seconds, the clock that signatures are made against. */
  now: () => number;
  /** How long before `now()` each new task's last callback happened (see `ContractOptions.eventAgeSeconds`). */
  eventAgeSeconds: number;
  /** A URL template with `{TaskId}` (absolute, or relative to the callback URL) or a function. */
  inspect?: string | Inspect;
  /** Tells the TIW API stand-in of a hardened receiver about a task before its callbacks are sent. */
  announce?: (started: WhiteboardPushStartedEvent) => Promise<void> | void;
  recovery?: RecoveryTarget;
}

/** What a check works with: fresh tasks, signing at sending time, delivery and state reads. */
export interface Session {
  readonly strict: boolean;
  readonly budgetMs: number;
  /** After this long a request is abandoned: slow answers still count for the other checks. */
  readonly requestTimeoutMs: number;
  readonly callbackKey: string | undefined;
  readonly sdkAppId: number;
  readonly url: string;
  readonly seed: number | string;
  now(): number;
  /** `count` new tasks ending as `scenario` says, announced unless `announce` is false. */
  tasks(count: number, scenario: Scenario, options?: { announce?: boolean }): Promise<Task[]>;
  task(ending: FinishReason, options?: { announce?: boolean }): Promise<Task>;
  /**
   * Signed as TIW signs: when sent, valid for the usual window from now unless `expireTime` says
   * otherwise. Any object, so that checks can sign deliberately broken bodies too. Throws in the
   * unsigned profile, whose plan skips the checks that use it.
   */
  signed<B extends object>(body: B, expireTime?: number): B & { ExpireTime: number; Sign: string };
  /** As TIW sends it: `signed` when there is a callback key, as it is in the unsigned profile. */
  asSent<B extends object>(body: B): B;
  /** POSTs an object as JSON, or a string as it is. */
  deliver(body: object | string): Promise<Exchange>;
  /** The receiver's state of a task, for the state checks (which only run when an inspect option was given). */
  inspect(taskId: string): Promise<unknown>;
  /** Whether an inspect option was given. */
  readonly canInspect: boolean;
  readonly recovery: RecoveryTarget | undefined;
}

/** The three endings, named as the generator's scenarios. */
const scenarioOf: Record<FinishReason, Scenario> = { USER_CALL: "user-call", AUTO: "auto", EXCEPTION: "exception" };

/** The shortest AutoStopTimeout TIW accepts: an AUTO task's Started is this much older than its Stopped, at least. */
const briefAutoStopTimeout = autoStopTimeoutRange[0];

/** A request is abandoned after this many time budgets: a slow answer fails `answers-in-time` only. */
export const budgetsBeforeGivingUp = 3;

export function createSession(options: SessionOptions): Session {
  const { transport } = options;
  const requestTimeoutMs = budgetsBeforeGivingUp * options.budgetMs;
  let generated = 0;

  async function tasks(count: number, scenario: Scenario, { announce = true } = {}): Promise<Task[]> {
    generated += 1;
    // Brief tasks that have each just ended (one history per task, so none waits behind a longer
    // one): valid callbacks arrive as soon after their Timestamp as the protocol allows.
    const events = Array.from({ length: count }, (_, index) =>
      generate({
        scenario,
        count: 1,
        seed: `${options.seed}/${generated}/${index}`,
        sdkAppId: options.sdkAppId,
        now: options.now() - options.eventAgeSeconds,
        durations: "brief",
        autoStopTimeout: briefAutoStopTimeout,
      }),
    ).flat();
    const byTask = new Map<string, Partial<Task>>();
    for (const event of events) {
      const task = byTask.get(event.EventData.TaskId) ?? { taskId: event.EventData.TaskId };
      if (event.EventType === "WhiteboardPushStarted") task.started = event;
      else task.stopped = event;
      byTask.set(event.EventData.TaskId, task);
    }
    const result = [...byTask.values()] as Task[];
    if (announce && options.announce) for (const task of result) await options.announce(task.started);
    return result;
  }

  async function inspectByUrl(template: string, taskId: string): Promise<unknown> {
    const url = new URL(template.replaceAll("{TaskId}", encodeURIComponent(taskId)), transport.url).href;
    const exchange = await transport.send("GET", url, undefined, requestTimeoutMs);
    if (exchange.answer?.status === 404) return undefined;
    const expected = "HTTP 200 with the task's state as JSON, or 404 for an unknown task";
    if (exchange.answer?.status !== 200) throw new CheckFailure("reading the receiver's state failed", evidenceOf(exchange, expected, "inspect"));
    try {
      return JSON.parse(exchange.answer.body) as unknown;
    } catch {
      throw new CheckFailure("the receiver's state is not JSON", evidenceOf(exchange, expected, "inspect"));
    }
  }

  function signed<B extends object>(body: B, expireTime = expireTimeAt(timestampOf(body), options.now())) {
    if (options.callbackKey === undefined) throw new Error("tiw-push-kit: the unsigned profile has no callback key to sign with");
    return withSignature(body, options.callbackKey, expireTime);
  }

  const { inspect } = options;
  return {
    strict: options.strict,
    budgetMs: options.budgetMs,
    requestTimeoutMs,
    callbackKey: options.callbackKey,
    sdkAppId: options.sdkAppId,
    url: transport.url,
    seed: options.seed,
    now: options.now,
    tasks,
    task: async (ending, taskOptions) => {
      const [task] = await tasks(1, scenarioOf[ending], taskOptions);
      if (!task) throw new Error("tiw-push-kit: the generator returned no task");
      return task;
    },
    signed,
    asSent: (body) => (options.callbackKey === undefined ? body : signed(body)),
    deliver: (body) => transport.send("POST", transport.url, typeof body === "string" ? body : JSON.stringify(body), requestTimeoutMs),
    canInspect: inspect !== undefined,
    recovery: options.recovery,
    inspect: async (taskId) => {
      if (inspect === undefined) throw new Error("tiw-push-kit: this check needs an inspect option");
      return typeof inspect === "string" ? inspectByUrl(inspect, taskId) : inspect(taskId);
    },
  };
}

/** The body's `Timestamp`, or 0 for a deliberately broken body that has none (the signing moment then decides). */
function timestampOf(body: object): number {
  const timestamp = (body as { Timestamp?: unknown }).Timestamp;
  return typeof timestamp === "number" ? timestamp : 0;
}
