import type { StoreDatabase } from "./store-database.js";

/** What the history needs of a task: its id, and its creation time to keep the newest. */
export interface StoredTask {
  taskId: string;
  /** Unix milliseconds. */
  createdAt: number;
}

/**
 * The stand-in's tasks, kept in the journal's file (own table, same connection), so that a
 * restarted `serve` shows the tasks of earlier runs with their timelines as they were. A task is
 * kept as JSON: `Task` is the caller's word for what it saved.
 */
export interface TaskHistory<Task extends StoredTask> {
  /** Queues the latest view of a task; written with the others queued within `writeEveryMs`. */
  save(task: Task): void;
  /**
   * Writes the latest view of a task now, with the others queued: a kill right after cannot lose
   * it. A failed write is reported and retried as for `save`.
   */
  saveNow(task: Task): void;
  /** The tasks of earlier runs, newest first, as they were saved. */
  restore(): Task[];
  /** Writes what is queued; the file stays open for the journal. */
  close(): void;
}

/** Tasks kept across runs; older ones are dropped when the history is opened. */
const maxHistoryTasks = 2000;
/**
 * How long task views wait to be written together. A busy stand-in changes hundreds of tasks a
 * second, each several times: one transaction per batch keeps the history off its hot path. What a
 * kill loses is the last fraction of a second of views, never a callback (those are the journal's).
 */
const writeEveryMs = 200;

/**
 * Opens the task history kept in a journal's file; undefined for an in-memory journal, whose
 * history ends with the process anyway.
 *
 * @example
 * const history = openTaskHistory<KitTask>(journal.database);
 * const earlier = history?.restore() ?? [];
 */
export function openTaskHistory<Task extends StoredTask>(database: StoreDatabase): TaskHistory<Task> | undefined {
  if (database.path === ":memory:") return undefined;
  const count = Number(database.prepare("SELECT COUNT(*) AS count FROM kit_tasks").get()?.count ?? 0);
  if (count > maxHistoryTasks) {
    const prune = database.prepare(
      "DELETE FROM kit_tasks WHERE created_at < (SELECT MIN(created_at) FROM (SELECT created_at FROM kit_tasks ORDER BY created_at DESC LIMIT ?))",
    );
    database.transaction(() => prune.run(maxHistoryTasks));
  }
  const earlier = database
    // Tasks of the same virtual millisecond (a frozen clock) keep their order of creation: rowid.
    .prepare("SELECT view FROM kit_tasks ORDER BY created_at DESC, rowid DESC LIMIT ?")
    .all(maxHistoryTasks)
    .map((row) => JSON.parse(String(row.view)) as Task);
  const upsert = database.prepare(
    "INSERT INTO kit_tasks (task_id, created_at, view) VALUES (:task_id, :created_at, :view) ON CONFLICT (task_id) DO UPDATE SET view = excluded.view",
  );

  // Only the latest view of each task matters: a batch's changes are written as one transaction.
  const queued = new Map<string, Task>();
  let scheduled = false;
  let failing = false;
  function write(): void {
    scheduled = false;
    if (queued.size === 0) return;
    try {
      database.transaction(() => {
        for (const task of queued.values()) upsert.run({ task_id: task.taskId, created_at: task.createdAt, view: JSON.stringify(task) });
      });
      queued.clear();
      failing = false;
    } catch (error) {
      // A history write must not take the stand-in down (a full disk, a locked file): the views stay
      // queued for the next change, and the failure is reported once until a write succeeds again.
      if (!failing) process.emitWarning(`tiw-push-kit: the task history could not be written, retrying with the next change: ${String(error)}`);
      failing = true;
    }
  }
  const removeFinisher = database.beforeClose(write);

  return {
    save(task) {
      queued.set(task.taskId, task);
      if (scheduled) return;
      scheduled = true;
      setTimeout(write, writeEveryMs).unref();
    },
    saveNow(task) {
      queued.set(task.taskId, task);
      write();
    },
    restore: () => earlier,
    close() {
      removeFinisher();
      if (database.isOpen) write();
    },
  };
}
