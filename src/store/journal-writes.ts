import type { SQLInputValue } from "node:sqlite";
import { foldOutcomes } from "./fold-outcomes.js";
import type { Journal } from "./journal.js";
import type { NewJournalEvent } from "./records.js";
import type { StoreDatabase } from "./store-database.js";

/** The journal's writes, as `Journal` describes them, and what its reads and `hasEvent` need of the queue. */
export type JournalWrites = Pick<Journal, "addEvent" | "addEvents" | "beginRun" | "addRunPlan" | "completeRun" | "forgetRun" | "addAttempt" | "setOutcome" | "groupCommits" | "flush" | "writeFailed"> & {
  /** Whether `eventId` is queued here, not yet committed. */
  isQueued(eventId: string): boolean;
  /** Commits what is queued now; throws if that fails, the writes staying queued. */
  commitQueued(): void;
};

/** The columns of a new event's INSERT; `columnsOf` gives its values in this order. */
const eventColumns = ["id", "task_id", "event_type", "body", "target", "signed", "keep_sign", "fault", "source", "created_at", "updated_at"];
/** How long grouped writes (see `Journal.groupCommits`) wait at most for their group to fill. */
export const groupCommitMs = 10;
/** Rows per multi-row INSERT of `addEvents`: 11 columns x 100 stays far below SQLite's parameter limit. */
const eventBlock = 100;

// An array in the order of `eventColumns`, not an object per column: a run's plan is hundreds of
// thousands of events, each bound as it is recorded.
function columnsOf(event: NewJournalEvent): SQLInputValue[] {
  return [
    event.id,
    event.taskId,
    event.eventType,
    event.body,
    event.target,
    event.signed ? 1 : 0,
    event.keepSign ? 1 : 0,
    event.fault ?? null,
    event.source ?? null,
    event.createdAt,
    event.createdAt,
  ];
}

/**
 * Writes are queued and committed together on the next turn of the event loop (group commit), or,
 * once `groupCommits` was called, when a group is full or has waited `groupCommitMs`: journaling
 * costs one transaction per group rather than one per write. Outcomes are appended, not applied to
 * their events; the first write of this journal folds those earlier writers appended.
 */
export function createJournalWrites(database: StoreDatabase): JournalWrites {
  const insertEvents = (rows: number) =>
    database.prepare(`
      INSERT INTO events (${eventColumns.join(", ")})
      VALUES ${Array(rows).fill(`(${eventColumns.map(() => "?").join(", ")})`).join(", ")} ON CONFLICT (id) DO NOTHING`);
  const insertEvent = insertEvents(1);
  const insertEventBlock = insertEvents(eventBlock);
  // Positional parameters: binding by name made these appends, a run's hot path, twice as slow.
  const insertAttempt = database.prepare(`
    INSERT INTO attempts (event_id, attempt, at, status_code, latency_ms, error, response_snippet) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const insertOutcome = database.prepare(`
    INSERT INTO outcomes (event_id, status, attempts, at, attempt, attempt_at, status_code, latency_ms, error, response_snippet)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);

  const insertRun = database.prepare("INSERT INTO runs (id, created_at, recipe) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING");
  const markRecorded = database.prepare("UPDATE runs SET recorded = 1 WHERE id = ?");
  const deleteUnrecordedRun = database.prepare("DELETE FROM runs WHERE id = ? AND recorded = 0");

  let queue: Array<() => void> = [];
  const queuedIds = new Set<string>();
  let waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  /** Cancels the commit scheduled for what is queued, if one is. */
  let scheduled: (() => void) | undefined;
  let groupSize = 0;
  let earlierOutcomesFolded = false;
  const failure = new AbortController();

  /** Every write goes through here: the first folds earlier outcomes; any that fails aborts `writeFailed`. */
  function write(writes: () => void): void {
    try {
      if (!earlierOutcomesFolded) {
        foldOutcomes(database);
        earlierOutcomesFolded = true;
      }
      database.transaction(writes);
    } catch (error) {
      if (!failure.signal.aborted) failure.abort(error);
      throw error;
    }
  }

  /** Inserts events many rows per statement: a run's plan is recorded several times faster than row by row. */
  function insertAll(events: Iterable<NewJournalEvent>): void {
    let block: NewJournalEvent[] = [];
    for (const event of events) {
      block.push(event);
      if (block.length < eventBlock) continue;
      insertEventBlock.run(...block.flatMap(columnsOf));
      block = [];
    }
    for (const event of block) insertEvent.run(...columnsOf(event));
  }

  /** Commits the queue now; on failure the writes stay queued for the next flush and the waiters get the error. */
  function commitQueue(): void {
    const settled = waiters;
    waiters = [];
    if (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        write(() => batch.forEach((queued) => queued()));
        queuedIds.clear();
      } catch (error) {
        queue = batch.concat(queue);
        settled.forEach((waiter) => waiter.reject(error));
        throw error;
      }
    }
    settled.forEach((waiter) => waiter.resolve());
  }

  function commitScheduled(): void {
    scheduled?.();
    scheduled = undefined;
    try {
      commitQueue();
    } catch {
      // Reported through `writeFailed` at once; the writes stay queued, and the next flush, read or
      // close commits them or throws.
    }
  }

  function enqueue(queued: () => void): void {
    queue.push(queued);
    if (groupSize > 0 && queue.length >= groupSize) return commitScheduled();
    scheduled ??= groupSize > 0 ? cancelable(setTimeout(commitScheduled, groupCommitMs)) : cancelable(setImmediate(commitScheduled));
  }

  return {
    addEvent(event) {
      queuedIds.add(event.id);
      enqueue(() => insertEvent.run(...columnsOf(event)));
    },
    addEvents(events) {
      commitQueue();
      write(() => insertAll(events));
    },
    beginRun(run) {
      commitQueue();
      write(() => insertRun.run(run.id, run.createdAt, run.recipe ?? null));
    },
    addRunPlan(run, events) {
      commitQueue();
      write(() => {
        insertRun.run(run.id, run.createdAt, run.recipe ?? null);
        insertAll(events);
        markRecorded.run(run.id);
      });
    },
    completeRun(runId) {
      commitQueue();
      write(() => markRecorded.run(runId));
    },
    forgetRun(runId) {
      commitQueue();
      write(() => deleteUnrecordedRun.run(runId));
    },
    addAttempt(attempt) {
      enqueue(() =>
        insertAttempt.run(
          attempt.eventId,
          attempt.attempt,
          attempt.at,
          attempt.statusCode ?? null,
          attempt.latencyMs,
          attempt.error ?? null,
          attempt.responseSnippet ?? null,
        ),
      );
    },
    setOutcome(eventId, { status, attempts, at, last }) {
      enqueue(() =>
        insertOutcome.run(
          eventId,
          status,
          attempts,
          at,
          last?.attempt ?? null,
          last?.at ?? null,
          last?.statusCode ?? null,
          last?.latencyMs ?? null,
          last?.error ?? null,
          last?.responseSnippet ?? null,
        ),
      );
    },
    groupCommits(writes) {
      if (!Number.isInteger(writes) || writes < 1) throw new RangeError(`tiw-push-kit: a commit group is a whole number >= 1 of writes, got ${writes}`);
      groupSize = writes;
    },
    isQueued: (eventId) => queuedIds.has(eventId),
    flush() {
      if (queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        waiters.push({ resolve, reject });
        // A group waits for no one who flushes; a turn's commit is only a turn away.
        if (!scheduled || groupSize > 0) commitScheduled();
      });
    },
    commitQueued: commitQueue,
    writeFailed: failure.signal,
  };
}

function cancelable(timer: NodeJS.Timeout | NodeJS.Immediate): () => void {
  return "refresh" in timer ? () => clearTimeout(timer) : () => clearImmediate(timer);
}
