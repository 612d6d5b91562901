import { createJournalReads } from "./journal-reads.js";
import { createJournalWrites } from "./journal-writes.js";
import type { AttemptRecord, EventFilter, EventOutcomeRecord, EventStatus, JournalEvent, NewJournalEvent } from "./records.js";
import { openStoreDatabase, type StoreDatabase } from "./store-database.js";

/**
 * The durable record of every event and every attempt, in SQLite (WAL mode). Writes are queued
 * and committed together on the next turn of the event loop (group commit), so journaling costs
 * one transaction per turn rather than one per write. A committed write survives a killed process.
 * Outcomes are appended while sending; reads combine them with their events and never write, so
 * `log` never waits for a running `emit`. A later writer folds them in before its first write.
 */
export interface Journal {
  readonly path: string;
  /** The connection that owns the file, for the other stores kept in it (`openTaskHistory`). */
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
  /** Commits every queued write now, in one transaction, durable on return; throws if that fails (the writes stay queued). */
  commit(): void;
  // Reads see this journal's own queued writes: they commit them first (with nothing queued, nothing is written).
  getEvent(eventId: string): JournalEvent | undefined;
  listEvents(filter?: EventFilter): JournalEvent[];
  listAttempts(eventId: string): AttemptRecord[];
  countByStatus(): Record<EventStatus, number>;
  /** Commits what is queued and closes the file; throws, once closed, if that commit failed. */
  close(): void;
}

/**
 * Opens (and creates when missing) a journal at `path`, or an in-memory one for `":memory:"`.
 *
 * @example
 * const journal = openJournal(".tiw-push-kit/journal.db");
 * const failed = journal.listEvents({ status: "failed" });
 */
export function openJournal(path: string): Journal {
  const database = openStoreDatabase(path);
  const writes = createJournalWrites(database);
  const reads = createJournalReads(database);
  database.beforeClose(writes.commitQueued);
  const committed = <A extends unknown[], R>(read: (...args: A) => R) => (...args: A): R => {
    writes.commitQueued();
    return read(...args);
  };

  return {
    path,
    database,
    addEvent: writes.addEvent,
    addEvents: writes.addEvents,
    addAttempt: writes.addAttempt,
    setOutcome: writes.setOutcome,
    hasEvent: (eventId) => writes.isQueued(eventId) || reads.hasEvent(eventId),
    flush: writes.flush,
    commit: writes.commitQueued,
    getEvent: committed(reads.getEvent),
    listEvents: committed(reads.listEvents),
    listAttempts: committed(reads.listAttempts),
    countByStatus: committed(reads.countByStatus),
    close: () => database.close(),
  };
}
