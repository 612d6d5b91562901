import { randomInt } from "node:crypto";
import type { FetchHandler } from "../tiw/fetch-handler.js";
import type { Journal } from "../delivery/index.js";
import { defaultSdkAppId } from "../tiw/defaults.js";
import { defaultExpireWindowSeconds } from "../tiw/time-rules.js";
import { openTaskHistory } from "../store/index.js";
import type { CallbackSender } from "./callback-sender.js";
import { createChaosBursts } from "./chaos-bursts.js";
import { createClock, type Clock } from "./clock.js";
import { createDeliveries, type CallbackRouteSettings } from "./deliveries.js";
import { createDeliverySender } from "./delivery-sender.js";
import { readJournalHistory } from "./journal-history.js";
import { withCopiedAttempts } from "./kit-attempt.js";
import { KitControlError } from "./kit-control-error.js";
import { mask } from "./mask.js";
import { createPushTasks, describe, taskView, type PushTask } from "./push-tasks.js";
import { createSignedPayloads } from "./signed-payloads.js";
import { TiwApiError } from "./tiw-api-error.js";
import type {
  KitChange,
  KitChaosBurst,
  KitChaosRequest,
  KitClock,
  KitDelivery,
  KitExceptionRequest,
  KitNewTask,
  KitPayload,
  KitSettings,
  KitTask,
  RequestOf,
  ResponseOf,
} from "./types.js";

export interface StandInOptions {
  /** The app this stand-in serves (default 1400000001). */
  sdkAppId?: number;
  /** Callback URL at start, as if set with SetWhiteboardPushCallback. */
  callback?: string;
  /** Callback key at start, as if set with SetWhiteboardPushCallbackKey. */
  callbackKey?: string;
  /** Delivers callbacks to this in-process receiver instead of over the network (a callback URL must still be set). */
  callbackHandler?: FetchHandler;
  /** Virtual seconds per real second (default 1); 0 freezes the clock so only `advance` moves it. */
  timeScale?: number;
  /** Virtual seconds a task stays PREPARED before it pushes (default 1). */
  prepareSeconds?: number;
  /** `ExpireTime` minus the wall-clock send second of the callbacks' signatures (default 300). */
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
  /** The real clock in Unix milliseconds, for sending, signing and attempts (default `Date.now`). */
  wallClock?: () => number;
}

/** What the HTTP edge in front of the stand-in does, shown with its settings. */
export type EdgeSettings = Pick<KitSettings, "signatureVerification" | "secretId" | "rateLimit">;

export type TaskTrigger = "start" | "stop" | "timeout" | "activity";

/**
 * The TIW push domain: tasks on a virtual clock, their callbacks delivered through the delivery
 * engine, chaos bursts, and the history kept in the journal. It knows nothing of HTTP: the Cloud
 * API and the control surface in `http/` call it.
 */
export interface StandIn {
  readonly sdkAppId: number;
  clock: Clock;
  clockView(): KitClock;
  /** Moves the virtual clock forward; due preparations and idle timeouts fire in order. */
  advance(seconds: number): KitClock;
  /** SetWhiteboardPushCallback: an http(s) URL, or "" which deletes the setting. */
  setCallback(url: string): void;
  /** SetWhiteboardPushCallbackKey: "" deletes the key. */
  setCallbackKey(key: string): void;
  /** DescribeWhiteboardPushCallback: the settings in clear, as TIW answers its authenticated caller. */
  callbackSettings(): { Callback: string; CallbackKey: string };
  /** StartWhiteboardPush; returns the TaskId. */
  startPush(request: RequestOf<"StartWhiteboardPush">): string;
  /** StopWhiteboardPush (USER_CALL). */
  stopPush(taskId: string): void;
  describePush(taskId: string): Omit<ResponseOf<"DescribeWhiteboardPush">, "RequestId">;
  tasks(): KitTask[];
  task(taskId: string): KitTask | undefined;
  /** start: end the preparation; stop: as StopWhiteboardPush; timeout: fire the idle timer (AUTO); activity: a whiteboard operation. */
  trigger(taskId: string, trigger: TaskTrigger): KitTask;
  /** Ends a task with EXCEPTION (default `FailedOperation.WhiteboardPush`, ExceptionCnt 1). */
  injectException(taskId: string, fault?: KitExceptionRequest): KitTask;
  /** Starts a task as StartWhiteboardPush does, with a random RoomId and a matching PushUserId unless given. */
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
   * Stops timers and closes the sender: the default one stops retrying and waits only for
   * attempts in flight (undelivered callbacks stay pending in the journal).
   */
  close(): Promise<void>;
}

/** The PushUserSig of tasks started from the control surface; the stand-in does not check UserSigs. */
const kitUserSig = "issued-by-tiw-push-kit";
const defaultFault = { Code: "FailedOperation.WhiteboardPush", Message: "Whiteboard push failed: fault injected by tiw-push-kit" };

/**
 * Creates the stand-in's domain. Inputs are expected checked against the spec by the caller (the
 * HTTP edge, or `createTiwApi`'s library methods); what depends on state is checked here.
 *
 * @example
 * const standIn = createStandIn({ callback: "http://127.0.0.1:3000/tiw", callbackKey: "my-key", timeScale: 0 });
 * const taskId = standIn.startPush({ SdkAppId: standIn.sdkAppId, RoomId: 1253, PushUserId: "tic_push_user_1253_01", PushUserSig: "sig" });
 */
export function createStandIn(options: StandInOptions = {}, edge: EdgeSettings = { signatureVerification: false, secretId: null, rateLimit: null }): StandIn {
  const sdkAppId = options.sdkAppId ?? defaultSdkAppId;
  const wallClock = options.wallClock ?? Date.now;
  const prepareSeconds = options.prepareSeconds ?? 1;
  const expireWindowSeconds = options.expireWindowSeconds ?? defaultExpireWindowSeconds;
  if (!Number.isFinite(prepareSeconds) || prepareSeconds < 0) throw new RangeError(`tiw-push-kit: prepareSeconds must be >= 0, got ${prepareSeconds}`);

  const listeners = new Set<(change: KitChange) => void>();
  const publish = (change: KitChange) => {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch {
        // A broken subscriber must not break the stand-in or the other subscribers.
      }
    }
  };
  // Task times follow the virtual clock; what happens on the wire (sending, signing, attempts) follows the wall clock.
  const clock = createClock({ timeScale: options.timeScale ?? 1, wallClock });
  const settings = { callback: "", callbackKey: options.callbackKey ?? "" };
  // An empty key in the settings means none: from here on, "no key" is undefined.
  const callbackRoute = (): CallbackRouteSettings => ({ url: settings.callback, ...(settings.callbackKey ? { callbackKey: settings.callbackKey } : {}) });
  const payloads = createSignedPayloads({ sdkAppId, callbackKey: () => callbackRoute().callbackKey });
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
      ...(options.callbackHandler ? { handler: options.callbackHandler } : {}),
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
  const deliveries = createDeliveries({
    sender,
    settings: callbackRoute,
    payloads,
    changed: (delivery) => publish({ type: "delivery", delivery: withCopiedAttempts(delivery) }),
    now: wallClock,
  });
  const pushTasks = createPushTasks({
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
    ...(options.callbackHandler ? { handler: options.callbackHandler } : {}),
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
      ...edge,
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

  function setCallback(url: string): void {
    if (url !== "" && (!/^https?:\/\//i.test(url) || !URL.canParse(url))) {
      throw new TiwApiError("InvalidParameter.CallbackAddressFormatError", `The callback address \`${url}\` is not an http:// or https:// URL.`);
    }
    settings.callback = url;
    publish({ type: "settings", settings: settingsView() });
  }

  /** A task of this run, for the Cloud API: Tencent's code when there is none. */
  function pushTask(taskId: string): PushTask {
    const task = pushTasks.get(taskId);
    if (!task) throw new TiwApiError("InvalidParameter.TaskNotFound", `The task \`${taskId}\` does not exist.`);
    return task;
  }

  /** A task of this run, for the control surface: 404, or 409 for a task of an earlier run. */
  function existing(taskId: string): PushTask {
    const task = pushTasks.get(taskId);
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

  function startPush(request: RequestOf<"StartWhiteboardPush">): string {
    const task = pushTasks.create({
      sdkAppId: request.SdkAppId,
      roomId: request.RoomId,
      pushUserId: request.PushUserId,
      groupId: request.GroupId,
      autoStopTimeout: request.AutoStopTimeout,
    });
    return task.taskId;
  }

  if (options.callback !== undefined) setCallback(options.callback);

  return {
    sdkAppId,
    clock,
    clockView,
    advance(seconds) {
      clock.advance(seconds * 1000);
      const view = clockView();
      publish({ type: "clock", clock: view });
      return view;
    },
    setCallback,
    setCallbackKey(key) {
      settings.callbackKey = key;
      publish({ type: "settings", settings: settingsView() });
    },
    callbackSettings: () => ({ Callback: settings.callback, CallbackKey: settings.callbackKey }),
    startPush,
    stopPush(taskId) {
      const task = pushTask(taskId);
      if (task.status === "STOPPED") throw new TiwApiError("UnsupportedOperation.TaskHasAlreadyStopped", `The task \`${task.taskId}\` has already stopped.`);
      pushTasks.stop(task, "USER_CALL");
    },
    describePush: (taskId) => describe(pushTask(taskId)),
    tasks: () => [...pushTasks.list().map(taskView), ...[...restoredTasks.values()].map(copyTask)],
    task(taskId) {
      const task = pushTasks.get(taskId);
      if (task) return taskView(task);
      const restored = restoredTasks.get(taskId);
      return restored && copyTask(restored);
    },
    trigger(taskId, trigger) {
      const task = existing(taskId);
      switch (trigger) {
        case "start":
          if (task.status !== "PREPARED") throw new KitControlError(409, "conflict", `task ${taskId} is ${task.status}, not PREPARED`);
          pushTasks.start(task);
          break;
        case "stop":
          pushTasks.stop(notStopped(task, "stop it"), "USER_CALL");
          break;
        case "timeout":
          pushTasks.stop(notStopped(task, "time it out"), "AUTO");
          break;
        case "activity":
          if (task.status !== "PUSHING") throw new KitControlError(409, "conflict", `task ${taskId} is ${task.status}, not PUSHING`);
          pushTasks.touch(task);
          break;
      }
      return taskView(task);
    },
    injectException(taskId, fault = {}) {
      const task = notStopped(existing(taskId), "inject an exception");
      const error = { Code: fault.Code ?? defaultFault.Code, Message: fault.Message ?? defaultFault.Message };
      pushTasks.stop(task, "EXCEPTION", { fault: { exceptionCnt: fault.ExceptionCnt ?? 1, error } });
      return taskView(task);
    },
    createTask(request = {}) {
      const roomId = request.RoomId ?? randomInt(1000, 1_000_000);
      const taskId = startPush({
        SdkAppId: sdkAppId,
        RoomId: roomId,
        PushUserId: request.PushUserId ?? `tic_push_user_${roomId}_01`,
        PushUserSig: kitUserSig,
        ...(request.GroupId !== undefined ? { GroupId: request.GroupId } : {}),
        ...(request.AutoStopTimeout !== undefined ? { AutoStopTimeout: request.AutoStopTimeout } : {}),
      });
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
      pushTasks.close();
      await chaos.close();
      await sender.close();
      await deliveries.settled();
      history?.close();
      listeners.clear();
    },
  };
}

function copyTask(task: KitTask): KitTask {
  return { ...task, timeline: task.timeline.map((entry) => ({ ...entry })) };
}
