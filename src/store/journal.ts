import type { SQLInputValue, SQLOutputValue } from "node:sqlite";
import { eventStatuses, type AttemptRecord, type EventFilter, type EventOutcomeRecord, type EventStatus, type Fault, type JournalEvent, type NewJournalEvent } from "./records.js";
import { openStoreDatabase, type StoreDatabase } from "./store-database.js";

/**
 * The durable record of every event and every attempt, in SQLite (WAL mode). Writes are queued
 * and committed together on the next turn of the event loop (group commit), so journaling costs
 * one transaction per turn rather than one per write. A committed write survives a killed process.
 * Outcomes are appended while sending and applied to their events by the next read (of any
 * connection), so a large run's reader, such as `log` or `--resume`, pays that once.
 */
export interface Journal {
  readonly path: string;
  /** The connection that owns the file, for the other stores kept in it. */
  readonly database: StoreDatabase;
  /** Queues a new event (an existing id is left as it is); durable once `flush()` resolves. */
  addEvent(event: NewJournalEvent): void;
  /** Records many new events in one transaction, durable on return: a whole run's plan before sending. */
  addEvents(events: readonly NewJournalEvent[]): void;
  /** Records an attempt after which the delivery goes on (a retry follows, or it is stopped). */
  addAttempt(attempt: AttemptRecord): void;
  /** Records how a delivery ended, with the attempt that ended it: that one is not given to `addAttempt`. */
  setOutcome(eventId: string, outcome: EventOutcomeRecord): void;
  hasEvent(eventId: string): boolean;
  /** Resolves once every queued write is committed. */
  flush(): Promise<void>;
  getEvent(eventId: string): JournalEvent | undefined;
  listEvents(filter?: EventFilter): JournalEvent[];
  listAttempts(eventId: string): AttemptRecord[];
  countByStatus(): Record<EventStatus, number>;
  /** Commits what is queued and closes the file; throws, once closed, if that commit failed. */
  close(): void;
}

type Row = Record<string, SQLOutputValue>;

/** Rows per multi-row INSERT of `addEvents`: 11 columns x 100 stays far below SQLite's parameter limit. */
const eventBlock = 100;
/** Outcomes folded into their events per transaction. */
const outcomeBlock = 5000;

/**
 * Opens (and creates when missing) a journal at `path`, or an in-memory one for `":memory:"`.
 *
 * @example
 * const journal = openJournal(".tiw-push-kit/journal.db");
 * const failed = journal.listEvents({ status: "failed" });
 */
export function openJournal(path: string): Journal {
  const database = openStoreDatabase(path);

  const insertEvents = (rows: number) =>
    database.prepare(`
      INSERT INTO events (id, task_id, event_type, body, target, signed, keep_sign, fault, source, created_at, updated_at)
      VALUES ${Array(rows).fill("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")} ON CONFLICT (id) DO NOTHING`);
  const insertEvent = insertEvents(1);
  // Many rows per statement: a run's plan is recorded several times faster than row by row.
  const insertEventBlock = insertEvents(eventBlock);
  const insertAttempt = database.prepare(`
    INSERT INTO attempts (event_id, attempt, at, status_code, latency_ms, error, response_snippet) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const updateOutcome = database.prepare(`
    UPDATE events SET status = ?, attempts = attempts + ?, updated_at = ?, last_attempt = ?, last_attempt_at = ?, last_status_code = ?,
      last_latency_ms = ?, last_error = ?, last_response_snippet = ? WHERE id = ?`);
  const updateStatus = database.prepare("UPDATE events SET status = ?, attempts = attempts + ?, updated_at = ? WHERE id = ?");
  const insertOutcome = database.prepare(`
    INSERT INTO outcomes (event_id, status, attempts, at, attempt, attempt_at, status_code, latency_ms, error, response_snippet)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const anyOutcome = database.prepare("SELECT 1 FROM outcomes LIMIT 1");
  // In the order of `updateOutcome`'s parameters, then the row's own id.
  const selectOutcomes = database.prepare(`
    SELECT status, attempts, at, attempt, attempt_at, status_code, latency_ms, error, response_snippet, event_id, id
    FROM outcomes ORDER BY id LIMIT ${outcomeBlock}`);
  const deleteOutcomes = database.prepare("DELETE FROM outcomes WHERE id <= ?");
  const selectEvent = database.prepare("SELECT * FROM events WHERE id = ?");
  const eventExists = database.prepare("SELECT 1 FROM events WHERE id = ?");
  const selectAttempts = database.prepare(`
    SELECT event_id, attempt, at, status_code, latency_ms, error, response_snippet FROM attempts WHERE event_id = ?
    UNION ALL
    SELECT id, last_attempt, last_attempt_at, last_status_code, last_latency_ms, last_error, last_response_snippet
    FROM events WHERE id = ? AND last_attempt_at IS NOT NULL
    ORDER BY at, attempt`);
  const countStatuses = database.prepare("SELECT status, COUNT(*) AS count FROM events GROUP BY status");

  let queue: Array<() => void> = [];
  const queuedIds = new Set<string>();
  let waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  let scheduled = false;

  const columnsOf = (event: NewJournalEvent): SQLInputValue[] => [
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
  const runEventInsert = (event: NewJournalEvent) => insertEvent.run(...columnsOf(event));

  const transaction = database.transaction;

  /** Commits the queue now; on failure the writes stay queued for the next flush and the waiters get the error. */
  function commitQueue(): void {
    const settled = waiters;
    waiters = [];
    if (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        transaction(() => batch.forEach((write) => write()));
        queuedIds.clear();
      } catch (error) {
        queue = batch.concat(queue);
        settled.forEach((waiter) => waiter.reject(error));
        throw error;
      }
    }
    settled.forEach((waiter) => waiter.resolve());
  }
  database.beforeClose(commitQueue);

  /** Commits the queue, then applies the appended outcomes to their events, in the order they were recorded. */
  function foldOutcomes(): void {
    commitQueue();
    // Block by block: each transaction holds the write lock, which a running `emit` waits for, only briefly.
    while (anyOutcome.get() !== undefined) {
      transaction(() => {
        let lastId: SQLInputValue = 0;
        for (const row of selectOutcomes.all()) {
          const { id, ...outcome } = row;
          lastId = id ?? 0;
          // Without an attempt, the delivery was stopped between attempts: the last one recorded stays.
          if (outcome.attempt_at === null) updateStatus.run(outcome.status ?? null, outcome.attempts ?? null, outcome.at ?? null, outcome.event_id ?? null);
          else updateOutcome.run(...(Object.values(outcome) as SQLInputValue[]));
        }
        deleteOutcomes.run(lastId);
      });
    }
  }

  function enqueue(write: () => void): void {
    queue.push(write);
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      try {
        commitQueue();
      } catch {
        // Not lost: the writes stay queued, and the next flush, read or close commits them or throws.
      }
    });
  }

  return {
    path,
    database,
    addEvent(event) {
      queuedIds.add(event.id);
      enqueue(() => runEventInsert(event));
    },
    addEvents(events) {
      commitQueue();
      // Chunks keep each transaction, and the time the event loop is held, short.
      for (let start = 0; start < events.length; start += 5000) {
        const chunk = events.slice(start, start + 5000);
        transaction(() => {
          let i = 0;
          for (; i + eventBlock <= chunk.length; i += eventBlock) insertEventBlock.run(...chunk.slice(i, i + eventBlock).flatMap(columnsOf));
          chunk.slice(i).forEach(runEventInsert);
        });
      }
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
    setOutcome(eventId, outcome) {
      const { status, attempts, at, last } = outcome;
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
    hasEvent(eventId) {
      return queuedIds.has(eventId) || eventExists.get(eventId) !== undefined;
    },
    flush() {
      if (queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        waiters.push({ resolve, reject });
        if (!scheduled) commitQueue();
      });
    },
    getEvent(eventId) {
      foldOutcomes();
      const row = selectEvent.get(eventId);
      return row ? toEvent(row) : undefined;
    },
    listEvents(filter = {}) {
      foldOutcomes();
      const conditions: string[] = [];
      const params: SQLInputValue[] = [];
      if (filter.status !== undefined) {
        const statuses = [filter.status].flat();
        conditions.push(`status IN (${statuses.map(() => "?").join(", ")})`);
        params.push(...statuses);
      }
      if (filter.taskId !== undefined) {
        conditions.push("task_id = ?");
        params.push(filter.taskId);
      }
      if (filter.afterSeq !== undefined) {
        conditions.push("seq > ?");
        params.push(filter.afterSeq);
      }
      const where = conditions.length ? `WHERE ${conditions.join(" AND ")}` : "";
      const sql =
        filter.limit === undefined
          ? `SELECT * FROM events ${where} ORDER BY seq`
          : `SELECT * FROM (SELECT * FROM events ${where} ORDER BY seq DESC LIMIT ${Math.max(0, Math.floor(filter.limit))}) ORDER BY seq`;
      return database.prepare(sql).all(...params).map(toEvent);
    },
    listAttempts(eventId) {
      foldOutcomes();
      return selectAttempts.all(eventId, eventId).map(toAttempt);
    },
    countByStatus() {
      foldOutcomes();
      const counts = Object.fromEntries(eventStatuses.map((status) => [status, 0])) as Record<EventStatus, number>;
      for (const row of countStatuses.all()) counts[row.status as EventStatus] = Number(row.count);
      return counts;
    },
    close: () => database.close(),
  };
}

function optional<T>(value: SQLOutputValue | undefined, cast: (value: SQLOutputValue) => T): T | undefined {
  return value === null || value === undefined ? undefined : cast(value);
}

function toEvent(row: Row): JournalEvent {
  return withoutUndefined({
    seq: Number(row.seq),
    id: String(row.id),
    taskId: String(row.task_id),
    eventType: String(row.event_type),
    body: String(row.body),
    target: String(row.target),
    signed: row.signed === 1,
    keepSign: row.keep_sign === 1,
    fault: optional(row.fault, (value) => String(value) as Fault),
    source: optional(row.source, String),
    status: String(row.status) as EventStatus,
    attempts: Number(row.attempts),
    lastStatusCode: optional(row.last_status_code, Number),
    lastError: optional(row.last_error, String),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  });
}

function toAttempt(row: Row): AttemptRecord {
  return withoutUndefined({
    eventId: String(row.event_id),
    attempt: Number(row.attempt),
    at: Number(row.at),
    statusCode: optional(row.status_code, Number),
    latencyMs: Number(row.latency_ms),
    error: optional(row.error, String),
    responseSnippet: optional(row.response_snippet, String),
  });
}

/** Drops absent optional fields, so records compare and print cleanly. */
function withoutUndefined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
