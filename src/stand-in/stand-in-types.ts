import type { FetchHandler } from "../tiw/fetch-handler.js";
import type { Journal } from "../store/index.js";
import type { CallbackSender } from "./callback-sender.js";
import type { Clock } from "./clock.js";
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
   * Records every callback, the moment it is produced, and every attempt (the delivery engine's
   * journal). A journal file also keeps the tasks. A stand-in started again on a journal goes on
   * where the earlier run stopped: it sends the callbacks left pending, with the callback URL and
   * key configured now, and takes back the tasks (those still PREPARED or PUSHING go on; stopped
   * ones are `restored`, read-only).
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
  /**
   * start: end the preparation; stop: as StopWhiteboardPush; timeout: fire the idle timer (AUTO); activity: a whiteboard operation.
   * `dropCallback` loses the callback the step produces for good (never sent, no delivery), as a
   * callback that never arrives: the task's state still changes, so DescribeWhiteboardPush tells it.
   */
  trigger(taskId: string, trigger: TaskTrigger, options?: { dropCallback?: boolean }): KitTask;
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
   * Stops timers, sends nothing more, and closes the sender: the default one stops retrying and
   * waits only for attempts in flight (undelivered callbacks stay pending in the journal, for the
   * next run on it).
   */
  close(): Promise<void>;
}
