import { DatabaseSync } from "node:sqlite";
import type { KitTask } from "../stand-in/types.js";
import { createTransaction } from "./transaction.js";

/**
 * The tasks of the stand-in, kept next to the journal's callbacks (same SQLite file, own table), so
 * that a restarted `serve` shows the tasks of earlier runs with their timelines as they were.
 */
export interface TaskHistory {
  /** Queues the latest view of a task; written with the others queued within `writeEveryMs`. */
  save(task: KitTask): void;
  /** The tasks of earlier runs, newest first, marked `restored`. */
  restore(): KitTask[];
  /** Writes what is queued and closes the file. */
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

const schema = `
  CREATE TABLE IF NOT EXISTS kit_tasks (
    task_id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    view TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS kit_tasks_created_at ON kit_tasks (created_at);
`;

/**
 * Opens the task history stored in the journal file at `path`; undefined for an in-memory journal,
 * whose history ends with the process anyway.
 *
 * @example
 * const history = openTaskHistory(journal.path);
 * const earlier = history?.restore() ?? [];
 */
export function openTaskHistory(path: string): TaskHistory | undefined {
  if (path === ":memory:") return undefined;
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
  db.exec(schema);
  db.prepare("DELETE FROM kit_tasks WHERE created_at < (SELECT MIN(created_at) FROM (SELECT created_at FROM kit_tasks ORDER BY created_at DESC LIMIT ?))").run(
    maxHistoryTasks,
  );
  const earlier = db
    // Tasks of the same virtual millisecond (a frozen clock) keep their order of creation: rowid.
    .prepare("SELECT view FROM kit_tasks ORDER BY created_at DESC, rowid DESC LIMIT ?")
    .all(maxHistoryTasks)
    .map((row) => ({ ...(JSON.parse(String(row.view)) as KitTask), restored: true }));
  const transaction = createTransaction(db);
  const upsert = db.prepare("INSERT INTO kit_tasks (task_id, created_at, view) VALUES (?, ?, ?) ON CONFLICT (task_id) DO UPDATE SET view = excluded.view");

  // Only the latest view of each task matters: a batch's changes are written as one transaction.
  const queued = new Map<string, KitTask>();
  let scheduled = false;
  function write(): void {
    scheduled = false;
    if (queued.size === 0 || !db.isOpen) return;
    try {
      transaction(() => {
        for (const task of queued.values()) upsert.run(task.taskId, task.createdAt, JSON.stringify(task));
      });
      queued.clear();
    } catch {
      // A history write must never take the stand-in down (a full disk, a locked file): the views
      // stay queued and go with the next change. Callbacks are safe in the journal regardless.
    }
  }

  return {
    save(task) {
      queued.set(task.taskId, task);
      if (scheduled) return;
      scheduled = true;
      setTimeout(write, writeEveryMs).unref();
    },
    restore: () => earlier,
    close() {
      if (!db.isOpen) return;
      write();
      db.close();
    },
  };
}
