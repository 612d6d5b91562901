import { randomInt } from "node:crypto";
import { defaultSdkAppId } from "../tiw/defaults.js";
import { defaultExpireWindowSeconds } from "../tiw/time-rules.js";
import { openTaskHistory } from "../store/index.js";
import { createChaosBursts } from "./chaos-bursts.js";
import { createClock } from "./clock.js";
import { createDeliveries, type CallbackRouteSettings } from "./deliveries.js";
import { createDeliverySender } from "./delivery-sender.js";
import { takeOverEarlierRun } from "./earlier-run.js";
import { readJournalHistory } from "./journal-history.js";
import { withCopiedAttempts } from "./kit-attempt.js";
import { KitControlError } from "./kit-control-error.js";
import { mask } from "./mask.js";
import { createPushTasks, describe, taskView, type PushTask } from "./push-tasks.js";
import { createSignedPayloads } from "./signed-payloads.js";
import { TiwApiError } from "./tiw-api-error.js";
import type { EdgeSettings, StandIn, StandInOptions, TaskTrigger } from "./stand-in-types.js";
import type { KitChange, KitClock, KitDelivery, KitSettings, KitTask, RequestOf } from "./types.js";

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
  // Told once per cause, on stderr, as the task history reports its own failures.
  const warn = (message: string) => process.emitWarning(message);
  // The settled deliveries of earlier runs, shown as they were; their pending ones are resumed below.
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
    warn,
  });
  // Set only while a trigger asked to lose its callback runs: the callback is emitted synchronously.
  let droppingCallback = false;
  const pushTasks = createPushTasks({
    clock,
    prepareMs: prepareSeconds * 1000,
    emit: (task, event) => (droppingCallback ? undefined : deliveries.add(task.taskId, event)?.id),
    changed: (task) => {
      const view = taskView(task);
      // A step is kept before the API answers or anything is sent. One that produced a callback is
      // kept by the callback's journal record, which a restart believes over the view (`restoredTask`):
      // its view, like a run of activity, is written with the next batch. Any other is written now.
      const step = task.timeline.at(-1);
      if (step?.kind === "activity" || step?.deliveryId !== undefined) history?.save(view);
      else history?.saveNow(view);
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
    checkCallbackScheme(url);
    settings.callback = url;
    publish({ type: "settings", settings: settingsView() });
    deliveries.settingsChanged();
  }

  /** A task, for the Cloud API: Tencent's code when there is none. */
  function pushTask(taskId: string): PushTask {
    const task = pushTasks.get(taskId);
    if (!task) throw new TiwApiError("InvalidParameter.TaskNotFound", `The task \`${taskId}\` does not exist.`);
    return task;
  }

  /** A task that can change, for the control surface: 404, or 409 for one an earlier run stopped. */
  function existing(taskId: string): PushTask {
    const task = pushTasks.get(taskId);
    if (!task) throw new KitControlError(404, "not_found", `no task ${taskId}`);
    if (task.restored) {
      throw new KitControlError(409, "conflict", `task ${taskId} is from an earlier run of the stand-in, restored from the journal: it can no longer change`);
    }
    return task;
  }

  /** One control-surface step of a task; the callback it produces is emitted synchronously. */
  function step(task: PushTask, trigger: TaskTrigger): void {
    const { taskId } = task;
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
  if (options.journal) takeOverEarlierRun({ journal: options.journal, history, clock, pushTasks, deliveries, route: callbackRoute(), warn });

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
      deliveries.settingsChanged();
    },
    callbackSettings: () => ({ Callback: settings.callback, CallbackKey: settings.callbackKey }),
    startPush,
    stopPush(taskId) {
      const task = pushTask(taskId);
      if (task.status === "STOPPED") throw new TiwApiError("UnsupportedOperation.TaskHasAlreadyStopped", `The task \`${task.taskId}\` has already stopped.`);
      pushTasks.stop(task, "USER_CALL");
    },
    describePush: (taskId) => describe(pushTask(taskId)),
    tasks: () => pushTasks.list().map(taskView),
    task(taskId) {
      const task = pushTasks.get(taskId);
      return task && taskView(task);
    },
    trigger(taskId, trigger, { dropCallback = false } = {}) {
      const task = existing(taskId);
      droppingCallback = dropCallback;
      try {
        step(task, trigger);
      } finally {
        droppingCallback = false;
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
      deliveries.close();
      await chaos.close();
      await sender.close();
      await deliveries.settled();
      history?.close();
      listeners.clear();
    },
  };
}

/** An http(s) URL, or "" which deletes the setting; else Tencent's CallbackAddressFormatError. */
export function checkCallbackScheme(url: string): void {
  if (url !== "" && (!/^https?:\/\//i.test(url) || !URL.canParse(url))) {
    throw new TiwApiError("InvalidParameter.CallbackAddressFormatError", `The callback address \`${url}\` is not an http:// or https:// URL.`);
  }
}
