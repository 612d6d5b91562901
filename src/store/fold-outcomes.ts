import type { StoreDatabase } from "./store-database.js";

/** Outcomes whose events are folded per transaction. */
const outcomeBlock = 5000;

/**
 * Folds the outcomes appended so far into their events, so that reads stop combining them: a
 * writer's work, done before its first write. The events' state is what the `event_states` view
 * computes, so folding changes no read. Block by block: each transaction holds the write lock, which
 * a running `emit` waits for, only briefly.
 */
export function foldOutcomes(database: StoreDatabase): void {
  const newest = database.prepare("SELECT MAX(id) AS id FROM outcomes").get()?.id ?? null;
  if (newest === null) return;
  const batchOf = database.prepare(`
    SELECT json_group_array(event_id) AS event_ids
    FROM (SELECT DISTINCT event_id FROM (SELECT event_id FROM outcomes WHERE id <= :newest ORDER BY id LIMIT ${outcomeBlock}))`);
  const inBatch = "IN (SELECT value FROM json_each(:batch))";
  // Ending attempts that stop being their event's latest: earlier outcomes' ones (the trigger moves the event row's own).
  const keepReplacedAttempts = database.prepare(`
    INSERT INTO attempts (event_id, attempt, at, status_code, latency_ms, error, response_snippet)
    SELECT event_id, attempt, attempt_at, status_code, latency_ms, error, response_snippet FROM outcomes AS earlier
    WHERE event_id ${inBatch} AND attempt_at IS NOT NULL
      AND id < (SELECT MAX(id) FROM outcomes AS later WHERE later.event_id = earlier.event_id AND later.attempt_at IS NOT NULL)`);
  const endedByOutcome = "EXISTS (SELECT 1 FROM outcomes WHERE outcomes.event_id = events.id AND outcomes.attempt_at IS NOT NULL)";
  // Each event's row written once: with a new ending attempt (the trigger keeps the one it replaces) or without.
  const setStatesAndEndingAttempts = database.prepare(`
    UPDATE events SET (status, attempts, updated_at, last_attempt, last_attempt_at, last_status_code, last_latency_ms, last_error, last_response_snippet) = (
      SELECT status, attempts, updated_at, last_attempt, last_attempt_at, last_status_code, last_latency_ms, last_error, last_response_snippet
      FROM event_states WHERE event_states.id = events.id)
    WHERE id ${inBatch} AND ${endedByOutcome}`);
  const setStates = database.prepare(`
    UPDATE events SET (status, attempts, updated_at) = (SELECT status, attempts, updated_at FROM event_states WHERE event_states.id = events.id)
    WHERE id ${inBatch} AND NOT ${endedByOutcome}`);
  const deleteFolded = database.prepare(`DELETE FROM outcomes WHERE event_id ${inBatch}`);

  for (;;) {
    const folded = database.transaction(() => {
      const batch = String(batchOf.get({ newest })?.event_ids ?? "[]");
      if (batch === "[]") return false;
      keepReplacedAttempts.run({ batch });
      setStatesAndEndingAttempts.run({ batch });
      setStates.run({ batch });
      deleteFolded.run({ batch });
      return true;
    });
    if (!folded) return;
  }
}
