import { randomInt } from "node:crypto";
import type { FetchHandler } from "../tiw/fetch-handler.js";
import { createChaosBursts } from "./chaos-bursts.js";
import { readJournalHistory } from "./journal-history.js";
import { createSignedPayloads } from "./signed-payloads.js";
import { openTaskHistory } from "../store/index.js";
import type { Journal } from "../delivery/index.js";
import { defaultSdkAppId } from "../generate/generate.js";
import { defaultExpireWindowSeconds } from "../tiw/time-rules.js";
import { BodyTooLargeError, readBody } from "../receiver/read-body.js";
import { actionHandlers, checkCallbackUrl, type ActionContext, type CallbackSettings } from "./http/actions.js";
import type { CallbackSender } from "./callback-sender.js";
import { createClock, type Clock } from "./clock.js";
import { createControlSurface, kitPrefix } from "./http/control-surface.js";
import { createDeliveries, type CallbackRouteSettings } from "./deliveries.js";
import { createDeliverySender } from "./delivery-sender.js";
import { envelope, errorEnvelope } from "./http/envelope.js";
import { withCopiedAttempts } from "./kit-attempt.js";
import { KitControlError } from "./kit-control-error.js";
import { mask } from "./mask.js";
import { checkParameters } from "./http/parameters.js";
import { createPushTasks, taskView, type PushTask } from "./push-tasks.js";
import { createRateLimiter, defaultRateLimit } from "./http/rate-limiter.js";
import { verifyTc3, type Tc3Credentials } from "./http/tc3.js";
import { TiwApiError } from "./tiw-api-error.js";
import {
  apiVersion,
  isAction,
  type Action,
  type KitChange,
  type KitChaosBurst,
  type KitChaosRequest,
  type KitClock,
  type KitDelivery,
  type KitExceptionRequest,
  type KitNewTask,
  type KitPayload,
  type KitSettings,
  type KitTask,
  type ResponseOf,
} from "./types.js";

export interface TiwApiOptions {
  /** The app this stand-in serves; calls for any other get `UnauthorizedOperation.SdkAppId` (default 1400000001). */
  sdkAppId?: number;
  /** Callback URL at start, as if set with SetWhiteboardPushCallback. */
  callback?: string;
  /** Callback key at start, as if set with SetWhiteboardPushCallbackKey. */
  callbackKey?: string;
  /** Delivers callbacks to this in-process receiver instead of over the network (a callback URL must still be set). */
  callbackHandler?: FetchHandler;
  /** Verify TC3-HMAC-SHA256 signatures with this key pair; without it any signature is accepted. */
  credentials?: Tc3Credentials;
  /** Virtual seconds per real second (default 1); 0 freezes the clock so only `advance` moves it. */
  timeScale?: number;
  /** Virtual seconds a task stays PREPARED before it pushes (default 1). */
  prepareSeconds?: number;
  /** Calls per second and action before `RequestLimitExceeded` (default 20, Tencent's); false turns it off. */
  rateLimit?: number | false;
  /** Largest request body in bytes (default 1 MiB); larger ones get `RequestSizeLimitExceeded`. */
  maxBodyBytes?: number;
  /** `ExpireTime - Timestamp` of the callbacks' signatures (default 300). */
  expireWindowSeconds?: number;
  /**
   * Records every callback and attempt (the delivery engine's journal). A journal file also keeps
   * the tasks, so that a stand-in started again on it shows the history of earlier runs.
   */
  journal?: Journal;
  /** Retries of a callback after its first attempt (the delivery engine's default when absent). */
  retries?: number;
  /** Timeout of one callback attempt in ms (the delivery engine's default when absent). */
  timeoutMs?: number;
  /** How callbacks are sent (default: the delivery engine of `src/delivery`). */
  sender?: CallbackSender;
  /** Used by the default sender for callback URLs (default: the delivery engine's own HTTP client; the MSW handlers pass the global fetch). */
  fetch?: typeof fetch;
  /** The real clock in Unix milliseconds, for signatures and rate limits (default `Date.now`). */
  wallClock?: () => number;
}

export type TaskTrigger = "start" | "stop" | "timeout" | "activity";

export interface TiwApi {
  /** The Cloud API (`POST /`) and the control surface (`/_kit/...`) as one fetch handler. */
  fetch: FetchHandler;
  clock: Clock;
  /** Moves the virtual clock forward; due preparations and idle timeouts fire in order. */
  advance(seconds: number): KitClock;
  tasks(): KitTask[];
  task(taskId: string): KitTask | undefined;
  /** start: end the preparation; stop: as StopWhiteboardPush; timeout: fire the idle timer (AUTO); activity: a whiteboard operation. */
  trigger(taskId: string, trigger: TaskTrigger): KitTask;
  /** Ends a task with EXCEPTION (default `FailedOperation.WhiteboardPush`, ExceptionCnt 1). */
  injectException(taskId: string, fault?: KitExceptionRequest): KitTask;
  /** Starts a task through StartWhiteboardPush, with a random RoomId and a matching PushUserId unless given. */
  createTask(request?: KitNewTask): KitTask;
  deliveries(taskId?: string): KitDelivery[];
  /** Sends a delivery's callback again to the current URL with the current key. */
  resend(deliveryId: string): KitDelivery;
  /** The body a delivery's (or a chaos burst delivery's) last attempt sent, and whether it verifies with the configured key. */
  payload(deliveryId: string): KitPayload;
  /** Sends forged and unusual callbacks (the delivery engine's faults) to the configured receiver. */
  sendChaosBurst(request?: KitChaosRequest): KitChaosBurst;
  /** Newest first, with the outcome of each callback. */
  chaosBursts(): KitChaosBurst[];
  /** Current settings, secrets masked. */
  settings(): KitSettings;
  /** Every change of a task, delivery, setting or the clock; returns the unsubscribe function. */
  subscribe(listener: (change: KitChange) => void): () => void;
  /** Resolves when no callback delivery is under way. */
  settled(): Promise<void>;
  /**
   * Stops timers and event streams, and closes the sender: the default one stops retrying and
   * waits only for attempts in flight (undelivered callbacks stay pending in the journal).
   * Call `settled()` first to wait for every delivery.
   */
  close(): Promise<void>;
}

const defaultMaxBodyBytes = 1024 * 1024;
/** The PushUserSig of tasks started from the control surface; the stand-in does not check UserSigs. */
const kitUserSig = "issued-by-tiw-push-kit";
const defaultFault = { Code: "FailedOperation.WhiteboardPush", Message: "Whiteboard push failed: fault injected by tiw-push-kit" };

/**
 * A stand-in for TIW's whiteboard push API: Cloud API v3 over a task state machine whose
 * callbacks go through the delivery engine. One `(Request) => Promise<Response>` that runs under
 * `serve` (Node HTTP), inside MSW, or called directly.
 *
 * @example
 * const tiw = createTiwApi({ callback: "http://127.0.0.1:3000/callback", callbackKey: "my-key", timeScale: 0 });
 * await tiw.fetch(new Request("http://tiw.test/", { method: "POST", headers: { "X-TC-Action": "StartWhiteboardPush", "X-TC-Version": "2019-09-19" }, body }));
 * tiw.advance(1); // PUSHING: WhiteboardPushStarted is delivered
 */
export function createTiwApi(options: TiwApiOptions = {}): TiwApi {
  const sdkAppId = options.sdkAppId ?? defaultSdkAppId;
  const wallClock = options.wallClock ?? Date.now;
  const prepareSeconds = options.prepareSeconds ?? 1;
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const expireWindowSeconds = options.expireWindowSeconds ?? defaultExpireWindowSeconds;
  const rateLimit = options.rateLimit === false ? null : (options.rateLimit ?? defaultRateLimit);
  const limiter = rateLimit === null ? undefined : createRateLimiter(rateLimit, wallClock);
  if (!Number.isFinite(prepareSeconds) || prepareSeconds < 0) throw new RangeError(`tiw-push-kit: prepareSeconds must be >= 0, got ${prepareSeconds}`);
  if (options.callback !== undefined) checkCallbackUrl(options.callback);
  if ((options.callbackKey?.length ?? 0) > 64) throw new RangeError("tiw-push-kit: the callback key has at most 64 characters");

  const listeners = new Set<(change: KitChange) => void>();
  const publish = (change: KitChange) => {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch {
        // A broken subscriber must not break the API or the other subscribers.
      }
    }
  };
  // Task times follow the virtual clock; what happens on the wire (sending, signing, attempts) follows the wall clock.
  const clock = createClock({ timeScale: options.timeScale ?? 1, wallClock });
  const settings: CallbackSettings = { callback: options.callback ?? "", callbackKey: options.callbackKey ?? "" };
  const callbackRoute = (): CallbackRouteSettings => ({
    url: settings.callback,
    callbackKey: settings.callbackKey,
    ...(options.callbackHandler ? { handler: options.callbackHandler } : {}),
  });
  const payloads = createSignedPayloads({ sdkAppId, expireWindowSeconds, callbackKey: () => settings.callbackKey });
  const history = options.journal ? openTaskHistory<KitTask>(options.journal.database) : undefined;
  // Earlier runs, from the journal file, by id and newest first.
  const restoredTasks = new Map((history?.restore() ?? []).map((task) => [task.taskId, { ...task, restored: true }]));
  const journalHistory = options.journal ? readJournalHistory(options.journal, payloads) : { deliveries: [], bursts: [] };
  const restoredDeliveries = new Map(journalHistory.deliveries.map((delivery) => [delivery.id, delivery]));
  const sender =
    options.sender ??
    createDeliverySender({
      now: wallClock,
      expireWindowSeconds,
      ...(options.journal ? { journal: options.journal } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
  const deliveries = createDeliveries({
    sender,
    settings: callbackRoute,
    changed: (delivery) => {
      // Its first change comes as it is created, with the route it is sent on: remember that key.
      if (delivery.status === "pending" && delivery.attempts.length === 0) payloads.remember(delivery.id, { callbackKey: settings.callbackKey });
      publish({ type: "delivery", delivery: withCopiedAttempts(delivery) });
    },
    now: wallClock,
  });
  const tasks = createPushTasks({
    clock,
    prepareMs: prepareSeconds * 1000,
    emit: (task, event) => deliveries.add(task.taskId, event)?.id,
    changed: (task) => {
      const view = taskView(task);
      history?.save(view);
      publish({ type: "task", task: view });
    },
  });
  const chaos = createChaosBursts({
    sdkAppId,
    expireWindowSeconds,
    route: callbackRoute,
    now: () => clock.now(),
    wallClock,
    ...(options.journal ? { journal: options.journal } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    payloads,
    changed: (burst) => publish({ type: "burst", burst }),
    restored: journalHistory.bursts,
  });

  function settingsView(): KitSettings {
    return {
      sdkAppId,
      callback: settings.callback,
      callbackKey: mask(settings.callbackKey),
      signatureVerification: options.credentials !== undefined,
      secretId: options.credentials ? mask(options.credentials.secretId) : null,
      rateLimit,
      timeScale: clock.timeScale,
      prepareSeconds,
      expireWindowSeconds,
      journal: options.journal?.path ?? null,
    };
  }
  const clockView = (): KitClock => {
    const now = clock.now();
    return { now, nowSeconds: Math.floor(now / 1000), timeScale: clock.timeScale, advancedMs: clock.advancedMs, aheadMs: Math.max(0, now - wallClock()) };
  };
  const context: ActionContext = { tasks, settings, settingsChanged: () => publish({ type: "settings", settings: settingsView() }) };

  async function callAction(request: Request): Promise<object> {
    if (request.method !== "POST") throw new TiwApiError("UnsupportedOperation", `The method ${request.method} is not supported: call actions with POST and a JSON body.`);
    const action = request.headers.get("x-tc-action");
    if (!action) throw new TiwApiError("MissingParameter", "The request is missing a required parameter `X-TC-Action`.");
    if (!isAction(action)) throw new TiwApiError("InvalidAction", `The action \`${action}\` is not found for TIW whiteboard push.`);
    const version = request.headers.get("x-tc-version");
    if (!version) throw new TiwApiError("MissingParameter", "The request is missing a required parameter `X-TC-Version`.");
    if (version !== apiVersion) throw new TiwApiError("NoSuchVersion", `The API version \`${version}\` does not exist; TIW's is ${apiVersion}.`);
    let body: Uint8Array;
    try {
      body = await readBody(request, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw new TiwApiError("RequestSizeLimitExceeded", `The request body exceeds the limit of ${maxBodyBytes} bytes.`);
      throw error;
    }
    if (options.credentials) {
      verifyTc3({ method: request.method, url: new URL(request.url), headers: request.headers, body }, options.credentials, Math.floor(wallClock() / 1000));
    }
    if (limiter && !limiter.take(action)) {
      throw new TiwApiError("RequestLimitExceeded", `Your requests of \`${action}\` exceed the limit of ${rateLimit} per second.`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(body));
    } catch (error) {
      throw new TiwApiError("InvalidParameter", `The request body is not valid JSON: ${(error as Error).message}`);
    }
    return run(action, parsed);
  }

  function run<A extends Action>(action: A, body: unknown): Omit<ResponseOf<A>, "RequestId"> {
    const parameters = checkParameters(action, body);
    if (parameters.SdkAppId !== sdkAppId) {
      throw new TiwApiError("UnauthorizedOperation.SdkAppId", `The SdkAppId ${parameters.SdkAppId} is not authorized: this stand-in serves ${sdkAppId}.`);
    }
    return actionHandlers[action](parameters, context);
  }

  function existing(taskId: string): PushTask {
    const task = tasks.get(taskId);
    if (task) return task;
    if (restoredTasks.has(taskId)) {
      throw new KitControlError(409, "conflict", `task ${taskId} is from an earlier run of the stand-in, restored from the journal: it can no longer change`);
    }
    throw new KitControlError(404, "not_found", `no task ${taskId}`);
  }

  /** This run's delivery, or one of an earlier run from the journal. */
  function deliveryById(deliveryId: string): KitDelivery | undefined {
    return deliveries.get(deliveryId) ?? restoredDeliveries.get(deliveryId);
  }

  function notStopped(task: PushTask, what: string): PushTask {
    if (task.status === "STOPPED") throw new KitControlError(409, "conflict", `task ${task.taskId} has already stopped; cannot ${what}`);
    return task;
  }

  const api: TiwApi = {
    fetch: async (request) => {
      const url = new URL(request.url);
      if (url.pathname === kitPrefix || url.pathname.startsWith(`${kitPrefix}/`)) return control.handle(request, url);
      // The one place where failures become Tencent's error shape.
      try {
        return envelope(await callAction(request));
      } catch (error) {
        if (error instanceof TiwApiError) return errorEnvelope({ Code: error.code, Message: error.detail });
        return errorEnvelope({ Code: "InternalError", Message: `An internal error occurred: ${(error as Error).message}` });
      }
    },
    clock,
    advance(seconds) {
      if (!Number.isFinite(seconds) || seconds <= 0) throw new KitControlError(400, "bad_request", `advance takes a number of seconds > 0, got ${seconds}`);
      clock.advance(seconds * 1000);
      const view = clockView();
      publish({ type: "clock", clock: view });
      return view;
    },
    tasks: () => [...tasks.list().map(taskView), ...[...restoredTasks.values()].map(copyTask)],
    task(taskId) {
      const task = tasks.get(taskId);
      if (task) return taskView(task);
      const restored = restoredTasks.get(taskId);
      return restored && copyTask(restored);
    },
    trigger(taskId, trigger) {
      const task = existing(taskId);
      switch (trigger) {
        case "start":
          if (task.status !== "PREPARED") throw new KitControlError(409, "conflict", `task ${taskId} is ${task.status}, not PREPARED`);
          tasks.start(task);
          break;
        case "stop":
          tasks.stop(notStopped(task, "stop it"), "USER_CALL");
          break;
        case "timeout":
          tasks.stop(notStopped(task, "time it out"), "AUTO");
          break;
        case "activity":
          if (task.status !== "PUSHING") throw new KitControlError(409, "conflict", `task ${taskId} is ${task.status}, not PUSHING`);
          tasks.touch(task);
          break;
      }
      return taskView(task);
    },
    injectException(taskId, fault = {}) {
      const task = notStopped(existing(taskId), "inject an exception");
      const exceptionCnt = fault.ExceptionCnt ?? 1;
      if (!Number.isInteger(exceptionCnt) || exceptionCnt < 1) throw new KitControlError(400, "bad_request", `ExceptionCnt must be a whole number >= 1, got ${exceptionCnt}`);
      tasks.stop(task, "EXCEPTION", { fault: { exceptionCnt, error: { Code: fault.Code ?? defaultFault.Code, Message: fault.Message ?? defaultFault.Message } } });
      return taskView(task);
    },
    createTask(request = {}) {
      const roomId = request.RoomId ?? randomInt(1000, 1_000_000);
      // The same code path as the action, so the same checks and Tencent's codes apply.
      const start = {
        SdkAppId: sdkAppId,
        RoomId: roomId,
        PushUserId: request.PushUserId ?? `tic_push_user_${roomId}_01`,
        PushUserSig: kitUserSig,
        ...(request.GroupId !== undefined ? { GroupId: request.GroupId } : {}),
        ...(request.AutoStopTimeout !== undefined ? { AutoStopTimeout: request.AutoStopTimeout } : {}),
      };
      let taskId: string;
      try {
        taskId = run("StartWhiteboardPush", start).TaskId;
      } catch (error) {
        if (error instanceof TiwApiError) throw new KitControlError(400, "bad_request", `${error.code}: ${error.detail}`);
        throw error;
      }
      return taskView(existing(taskId));
    },
    deliveries(taskId) {
      const live = deliveries.list(taskId).map(withCopiedAttempts);
      // A resend of an earlier run's delivery can reuse an id the journal holds: this run's wins.
      const ids = new Set(live.map((delivery) => delivery.id));
      const earlier = [...restoredDeliveries.values()].filter((delivery) => (taskId === undefined || delivery.taskId === taskId) && !ids.has(delivery.id));
      return [...live, ...earlier.map(withCopiedAttempts)];
    },
    payload(deliveryId) {
      const sent = deliveryById(deliveryId) ?? chaos.delivery(deliveryId);
      if (!sent) throw new KitControlError(404, "not_found", `no delivery ${deliveryId}`);
      return payloads.payload(sent);
    },
    sendChaosBurst: (request) => chaos.send(request),
    chaosBursts: () => chaos.list(),
    resend(deliveryId) {
      const original = deliveryById(deliveryId);
      if (!original) throw new KitControlError(404, "not_found", `no delivery ${deliveryId}`);
      const delivery = deliveries.resend(original);
      if (!delivery) throw new KitControlError(409, "conflict", "no callback URL is configured");
      return withCopiedAttempts(delivery);
    },
    settings: settingsView,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async settled() {
      await Promise.all([deliveries.settled(), chaos.settled()]);
    },
    async close() {
      clock.close();
      tasks.close();
      control.close();
      await chaos.close();
      await sender.close();
      await deliveries.settled();
      history?.close();
      listeners.clear();
    },
  };
  const control = createControlSurface(api, clockView);
  return api;
}

function copyTask(task: KitTask): KitTask {
  return { ...task, timeline: task.timeline.map((entry) => ({ ...entry })) };
}
