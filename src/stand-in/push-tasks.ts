import { randomInt } from "node:crypto";
import type { FinishReason, WhiteboardPushError, WhiteboardPushEvent } from "../tiw/events.js";
import { defaultAutoStopTimeout } from "../tiw/defaults.js";
import type { Clock } from "./clock.js";
import { forgetOldest } from "./forget-oldest.js";
import type { KitDescribe, KitTask, KitTimelineEntry, TaskStatus } from "./types.js";

/** A push task as the stand-in keeps it; times are virtual Unix milliseconds. */
export interface PushTask {
  taskId: string;
  sdkAppId: number;
  roomId: number;
  groupId: string;
  pushUserId: string;
  autoStopTimeout: number;
  status: TaskStatus;
  createdAt: number;
  startedAt?: number;
  stoppedAt?: number;
  finishReason: FinishReason | "";
  exceptionCnt: number;
  error?: WhiteboardPushError;
  /** When the idle timer fires, while PUSHING. */
  autoStopAt: number | null;
  timeline: KitTimelineEntry[];
  /** A task an earlier run stopped, restored from the journal: it can no longer change. */
  restored?: boolean;
  cancelTimer?: () => void;
}

export interface NewTask {
  sdkAppId: number;
  roomId: number;
  pushUserId: string;
  groupId?: string;
  autoStopTimeout?: number;
}

/** What ends a push with EXCEPTION. */
export interface PushFault {
  error: WhiteboardPushError;
  exceptionCnt: number;
}

export interface PushTasksOptions {
  clock: Clock;
  /** Virtual milliseconds a task stays PREPARED. */
  prepareMs: number;
  /** Stopped tasks beyond this many are forgotten, oldest first, so a long run stays bounded. */
  maxTasks?: number;
  /** A callback was produced; returns the id of its delivery when one was started. */
  emit(task: PushTask, event: WhiteboardPushEvent): string | undefined;
  changed(task: PushTask): void;
}

export interface PushTasks {
  create(task: NewTask): PushTask;
  /**
   * Takes back a task of an earlier run (`restoredTask`): a PREPARED one starts when its preparation
   * ends, a PUSHING one times out `AutoStopTimeout` after its last activity, on the virtual clock;
   * either falls due at once when that moment has passed.
   */
  restore(task: PushTask): void;
  get(taskId: string): PushTask | undefined;
  /** Newest first. */
  list(): PushTask[];
  /** PREPARED to PUSHING; sends WhiteboardPushStarted. */
  start(task: PushTask, at?: number): void;
  /** Ends a task that has not stopped (a PREPARED one is started first, so Started always precedes Stopped). */
  stop(task: PushTask, reason: FinishReason, options?: { at?: number; fault?: PushFault }): void;
  /** A whiteboard operation: restarts the idle timer of a PUSHING task. */
  touch(task: PushTask, at?: number): void;
  close(): void;
}

const taskIdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

/**
 * The task state machine: PREPARED, then PUSHING after `prepareMs`, then STOPPED by the stop
 * API (USER_CALL), by `AutoStopTimeout` seconds without activity (AUTO) or by a fault (EXCEPTION).
 * Each step emits its callback at the moment it changes what DescribeWhiteboardPush answers.
 */
export function createPushTasks(options: PushTasksOptions): PushTasks {
  const { clock } = options;
  const tasks = new Map<string, PushTask>();
  const maxTasks = options.maxTasks ?? 10_000;

  function record(task: PushTask, entry: KitTimelineEntry): void {
    // A run of activity is one entry, its time the latest: a client calling /activity in a loop cannot grow the timeline.
    const last = task.timeline.at(-1);
    if (entry.kind === "activity" && last?.kind === "activity") task.timeline[task.timeline.length - 1] = entry;
    else task.timeline.push(entry);
    options.changed(task);
  }

  function armIdleTimer(task: PushTask, from: number): void {
    task.cancelTimer?.();
    task.autoStopAt = from + task.autoStopTimeout * 1000;
    task.cancelTimer = clock.at(task.autoStopAt, (due) => stop(task, "AUTO", { at: due }));
  }

  function start(task: PushTask, at = clock.now()): void {
    if (task.status !== "PREPARED") return;
    task.cancelTimer?.();
    task.status = "PUSHING";
    task.startedAt = at;
    armIdleTimer(task, at);
    const pushStartTime = seconds(at);
    const deliveryId = options.emit(task, {
      EventType: "WhiteboardPushStarted",
      EventData: { TaskId: task.taskId, RoomId: task.roomId, PushUserId: task.pushUserId, PushStartTime: pushStartTime },
      SdkAppId: task.sdkAppId,
      Timestamp: pushStartTime,
    });
    record(task, { at, kind: "started", ...(deliveryId ? { deliveryId } : {}) });
  }

  function stop(task: PushTask, reason: FinishReason, stopOptions: { at?: number; fault?: PushFault } = {}): void {
    if (task.status === "STOPPED") return;
    const at = stopOptions.at ?? clock.now();
    start(task, at);
    task.cancelTimer?.();
    task.cancelTimer = undefined;
    task.status = "STOPPED";
    task.stoppedAt = at;
    task.autoStopAt = null;
    task.finishReason = reason;
    if (reason === "EXCEPTION" && stopOptions.fault) {
      task.exceptionCnt = stopOptions.fault.exceptionCnt;
      task.error = stopOptions.fault.error;
    }
    const view = describe(task);
    const deliveryId = options.emit(task, {
      EventType: "WhiteboardPushStopped",
      EventData: {
        TaskId: task.taskId,
        RoomId: task.roomId,
        GroupId: task.groupId,
        PushUserId: task.pushUserId,
        FinishReason: reason,
        PushStartTime: view.PushStartTime,
        PushStopTime: view.PushStopTime,
        IMSyncTime: view.IMSyncTime,
        ExceptionCnt: task.exceptionCnt,
        ...(task.error ? { Error: task.error } : {}),
      },
      SdkAppId: task.sdkAppId,
      Timestamp: view.PushStopTime,
    });
    record(task, { at, kind: "stopped", finishReason: reason, ...(deliveryId ? { deliveryId } : {}) });
  }

  return {
    create(request) {
      const at = clock.now();
      const task: PushTask = {
        taskId: uniqueTaskId(tasks),
        sdkAppId: request.sdkAppId,
        roomId: request.roomId,
        groupId: request.groupId ?? String(request.roomId),
        pushUserId: request.pushUserId,
        autoStopTimeout: request.autoStopTimeout ?? defaultAutoStopTimeout,
        status: "PREPARED",
        createdAt: at,
        finishReason: "",
        exceptionCnt: 0,
        autoStopAt: null,
        timeline: [],
      };
      tasks.set(task.taskId, task);
      forgetOldest(tasks, maxTasks, (stored) => stored.status === "STOPPED");
      task.cancelTimer = clock.at(at + options.prepareMs, (due) => start(task, due));
      record(task, { at, kind: "created" });
      return task;
    },
    restore(task) {
      tasks.set(task.taskId, task);
      if (task.status === "PREPARED") task.cancelTimer = clock.at(task.createdAt + options.prepareMs, (due) => start(task, due));
      if (task.status === "PUSHING") {
        const lastActivity = task.timeline.findLast((entry) => entry.kind === "started" || entry.kind === "activity");
        armIdleTimer(task, lastActivity?.at ?? task.startedAt ?? task.createdAt);
      }
    },
    get: (taskId) => tasks.get(taskId),
    list: () => [...tasks.values()].reverse(),
    start,
    stop,
    touch(task, at = clock.now()) {
      if (task.status !== "PUSHING") return;
      armIdleTimer(task, at);
      record(task, { at, kind: "activity" });
    },
    close() {
      for (const task of tasks.values()) task.cancelTimer?.();
    },
  };
}

/** What DescribeWhiteboardPush answers for `task`, without RequestId: 0 and "" for what has not happened yet. */
export function describe(task: PushTask): KitDescribe {
  const pushStartTime = task.startedAt === undefined ? 0 : seconds(task.startedAt);
  return {
    FinishReason: task.finishReason,
    TaskId: task.taskId,
    Status: task.status,
    RoomId: task.roomId,
    GroupId: task.groupId,
    PushUserId: task.pushUserId,
    PushStartTime: pushStartTime,
    PushStopTime: task.stoppedAt === undefined ? 0 : seconds(task.stoppedAt),
    ExceptionCnt: task.exceptionCnt,
    // The first frame goes out as the push starts; Tencent's example has IMSyncTime = PushStartTime.
    IMSyncTime: pushStartTime,
    Backup: null,
  };
}

export function taskView(task: PushTask): KitTask {
  return {
    taskId: task.taskId,
    sdkAppId: task.sdkAppId,
    autoStopTimeout: task.autoStopTimeout,
    createdAt: task.createdAt,
    autoStopAt: task.autoStopAt,
    describe: describe(task),
    error: task.error ?? null,
    timeline: task.timeline.map((entry) => ({ ...entry })),
    ...(task.restored ? { restored: true } : {}),
  };
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

function uniqueTaskId(taken: ReadonlyMap<string, unknown>): string {
  for (;;) {
    let id = "";
    for (let i = 0; i < 20; i++) id += taskIdAlphabet[randomInt(taskIdAlphabet.length)];
    if (!taken.has(id)) return id;
  }
}
