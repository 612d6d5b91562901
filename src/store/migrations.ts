import type { DatabaseSync } from "node:sqlite";
import { JournalError } from "./journal-error.js";
import type { Transaction } from "./transaction.js";

/**
 * The layout of the journal file, in order: migration `i` takes `PRAGMA user_version` from `i` to
 * `i + 1`. A migration that has shipped is never edited: a change is a new one at the end.
 */
export const migrations: readonly string[] = [
  // 1. The layout of journals written before versions were kept (`user_version` 0), created where
  // missing, so that such a journal is adopted as it is.
  `
  CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    task_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    body TEXT NOT NULL,
    target TEXT NOT NULL,
    signed INTEGER NOT NULL,
    keep_sign INTEGER NOT NULL DEFAULT 0,
    fault TEXT,
    source TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_attempt INTEGER,
    last_attempt_at INTEGER,
    last_status_code INTEGER,
    last_latency_ms REAL,
    last_error TEXT,
    last_response_snippet TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    at INTEGER NOT NULL,
    status_code INTEGER,
    latency_ms REAL NOT NULL,
    error TEXT,
    response_snippet TEXT
  );
  CREATE INDEX IF NOT EXISTS attempts_event_id ON attempts (event_id);
  -- Outcomes are appended here while a run sends: appending a short row costs a third of updating
  -- the event's wide row. A later writer folds them into their events.
  CREATE TABLE IF NOT EXISTS outcomes (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    at INTEGER NOT NULL,
    attempt INTEGER,
    attempt_at INTEGER,
    status_code INTEGER,
    latency_ms REAL,
    error TEXT,
    response_snippet TEXT
  );
  -- The attempt that ended a delivery lives in its event's row (one write per event instead of
  -- two); when a resend ends with a new one, the previous one moves to the attempts table.
  CREATE TRIGGER IF NOT EXISTS events_keep_replaced_attempt BEFORE UPDATE OF last_attempt_at ON events
  WHEN OLD.last_attempt_at IS NOT NULL
  BEGIN
    INSERT INTO attempts (event_id, attempt, at, status_code, latency_ms, error, response_snippet)
    VALUES (OLD.id, OLD.last_attempt, OLD.last_attempt_at, OLD.last_status_code, OLD.last_latency_ms, OLD.last_error, OLD.last_response_snippet);
  END;
  -- The stand-in's tasks, so that a restarted stand-in shows those of earlier runs.
  CREATE TABLE IF NOT EXISTS kit_tasks (
    task_id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    view TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS kit_tasks_created_at ON kit_tasks (created_at);
  `,
  // 2. Reads compute each event's state from its row and its appended outcomes, so they never fold.
  `
  -- Event ids grow with each run, so this index grows at its end like the table.
  CREATE INDEX outcomes_event_id ON outcomes (event_id);
  -- An event as its row and then its outcomes, in the order they were appended, make it: the status
  -- and time of the latest outcome, the attempts of all, the ending attempt of the latest that has one
  -- (an outcome without one was stopped between attempts: the earlier ending attempt stays).
  CREATE VIEW event_states AS
  SELECT
    events.seq AS seq,
    events.id AS id,
    events.task_id AS task_id,
    events.event_type AS event_type,
    events.body AS body,
    events.target AS target,
    events.signed AS signed,
    events.keep_sign AS keep_sign,
    events.fault AS fault,
    events.source AS source,
    events.created_at AS created_at,
    COALESCE(latest.status, events.status) AS status,
    events.attempts + COALESCE((SELECT SUM(outcomes.attempts) FROM outcomes WHERE outcomes.event_id = events.id), 0) AS attempts,
    COALESCE(latest.at, events.updated_at) AS updated_at,
    IIF(ended.id IS NULL, events.last_attempt, ended.attempt) AS last_attempt,
    IIF(ended.id IS NULL, events.last_attempt_at, ended.attempt_at) AS last_attempt_at,
    IIF(ended.id IS NULL, events.last_status_code, ended.status_code) AS last_status_code,
    IIF(ended.id IS NULL, events.last_latency_ms, ended.latency_ms) AS last_latency_ms,
    IIF(ended.id IS NULL, events.last_error, ended.error) AS last_error,
    IIF(ended.id IS NULL, events.last_response_snippet, ended.response_snippet) AS last_response_snippet
  FROM events
  LEFT JOIN outcomes AS latest ON latest.id = (SELECT MAX(outcomes.id) FROM outcomes WHERE outcomes.event_id = events.id)
  LEFT JOIN outcomes AS ended ON ended.id = (
    SELECT MAX(outcomes.id) FROM outcomes WHERE outcomes.event_id = events.id AND outcomes.attempt_at IS NOT NULL
  );
  -- Every attempt of every delivery: those a retry followed, the one ending the event's latest
  -- delivery, and those ending appended outcomes.
  CREATE VIEW event_attempts AS
  SELECT event_id, attempt, at, status_code, latency_ms, error, response_snippet FROM attempts
  UNION ALL
  SELECT id AS event_id, last_attempt AS attempt, last_attempt_at AS at, last_status_code AS status_code, last_latency_ms AS latency_ms,
    last_error AS error, last_response_snippet AS response_snippet
  FROM events WHERE last_attempt_at IS NOT NULL
  UNION ALL
  SELECT event_id, attempt, attempt_at AS at, status_code, latency_ms, error, response_snippet FROM outcomes WHERE attempt_at IS NOT NULL;
  `,
  // 3. Runs: a run's plan is recorded whole, in one transaction that ends by marking it recorded.
  // The run itself is recorded first, with how to plan it again, so that a run stopped before its
  // plan was recorded is planned again (or reported) by the next resume, never lost unseen.
  `
  CREATE TABLE runs (
    -- The prefix of its events' ids.
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    -- How it was planned, as its writer's JSON (a seed and settings, or where its bodies came from).
    recipe TEXT,
    recorded INTEGER NOT NULL DEFAULT 0
  );
  `,
];

/**
 * Brings the file at `path` to the current layout. A file already there is only read, so opening a
 * journal never waits for a writer; a migration takes the write lock once.
 */
export function migrate(connection: DatabaseSync, transaction: Transaction, path: string): void {
  const version = () => Number(connection.prepare("PRAGMA user_version").get()?.user_version ?? 0);
  const check = (found: number) => {
    if (found > migrations.length) {
      throw new JournalError(`tiw-push-kit: the journal ${path} has layout ${found}, newer than this version of tiw-push-kit reads (${migrations.length}): upgrade tiw-push-kit`, "too-new");
    }
  };
  const found = version();
  check(found);
  if (found === migrations.length) return;
  transaction(() => {
    // Read again under the lock: another process may have migrated since.
    const from = version();
    check(from);
    for (const sql of migrations.slice(from)) connection.exec(sql);
    connection.exec(`PRAGMA user_version = ${migrations.length}`);
  });
}
