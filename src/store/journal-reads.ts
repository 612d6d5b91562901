import type { SQLInputValue, SQLOutputValue } from "node:sqlite";
import type { Journal } from "./journal.js";
import { eventStatuses, type AttemptRecord, type EventFilter, type EventStatus, type Fault, type JournalEvent, type NewRun } from "./records.js";
import type { StoreDatabase } from "./store-database.js";

/** The journal's reads, as `Journal` describes them (`hasEvent` of committed events only). */
export type JournalReads = Pick<Journal, "hasEvent" | "getEvent" | "listEvents" | "describeEvents" | "listAttempts" | "countByStatus" | "unrecordedRuns" | "getRun">;

type Row = Record<string, SQLOutputValue>;

const eventColumns = "seq, id, task_id, event_type, body, target, signed, keep_sign, fault, source, status, attempts, last_status_code, last_error, created_at, updated_at";
const attemptColumns = "event_id, attempt, at, status_code, latency_ms, error, response_snippet";

/**
 * Reads go through the `event_states` and `event_attempts` views, which combine each event's row
 * with the outcomes appended since: a read never writes, so it never waits for a writer.
 */
export function createJournalReads(database: StoreDatabase): JournalReads {
  const eventExists = database.prepare("SELECT 1 FROM events WHERE id = ?");
  const selectEvent = database.prepare(`SELECT ${eventColumns} FROM event_states WHERE id = ?`);
  const selectAttempts = database.prepare(`SELECT ${attemptColumns} FROM event_attempts WHERE event_id = ? ORDER BY at, attempt`);
  const countStatuses = database.prepare("SELECT status, COUNT(*) AS count FROM event_states GROUP BY status");
  const selectUnrecordedRuns = database.prepare("SELECT id, created_at, recipe FROM runs WHERE recorded = 0 ORDER BY created_at, id");
  const selectRun = database.prepare("SELECT id, created_at, recipe FROM runs WHERE id = ?");

  return {
    hasEvent: (eventId) => eventExists.get(eventId) !== undefined,
    getEvent(eventId) {
      const row = selectEvent.get(eventId);
      return row ? toEvent(row) : undefined;
    },
    listEvents(filter = {}) {
      const { where, params } = conditionsOf(filter);
      const page = filter.first === undefined ? "" : ` LIMIT ${Math.max(0, Math.floor(filter.first))}`;
      const sql =
        filter.limit === undefined
          ? `SELECT ${eventColumns} FROM event_states ${where} ORDER BY seq${page}`
          : `SELECT ${eventColumns} FROM (SELECT ${eventColumns} FROM event_states ${where} ORDER BY seq DESC LIMIT ${Math.max(0, Math.floor(filter.limit))}) ORDER BY seq${page}`;
      return database.prepare(sql).all(...params).map(toEvent);
    },
    describeEvents(filter = {}) {
      const { where, params } = conditionsOf(filter);
      const row = database.prepare(`SELECT COUNT(*) AS count, MIN(target) AS first_target, MAX(target) AS last_target, MAX(signed) AS signed FROM event_states ${where}`).get(...params);
      const targets = [...new Set([row?.first_target, row?.last_target].filter((target) => target !== null && target !== undefined).map(String))];
      return { count: Number(row?.count ?? 0), targets, signed: row?.signed === 1 };
    },
    listAttempts: (eventId) => selectAttempts.all(eventId).map(toAttempt),
    countByStatus() {
      const counts = Object.fromEntries(eventStatuses.map((status) => [status, 0])) as Record<EventStatus, number>;
      for (const row of countStatuses.all()) counts[row.status as EventStatus] = Number(row.count);
      return counts;
    },
    unrecordedRuns: () => selectUnrecordedRuns.all().map(toRun),
    getRun(runId) {
      const row = selectRun.get(runId);
      return row ? toRun(row) : undefined;
    },
  };
}

/** The WHERE clause of an event filter's status, task and cursor, with its parameters. */
function conditionsOf(filter: EventFilter): { where: string; params: SQLInputValue[] } {
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
  return { where: conditions.length ? `WHERE ${conditions.join(" AND ")}` : "", params };
}

function toRun(row: Row): NewRun {
  return { id: String(row.id), createdAt: Number(row.created_at), ...(row.recipe === null ? {} : { recipe: String(row.recipe) }) };
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
