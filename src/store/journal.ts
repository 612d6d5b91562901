import { JournalError, journalErrorOf } from "./journal-error.js";
import { createJournalReads } from "./journal-reads.js";
import { createJournalWrites, type JournalWrites } from "./journal-writes.js";
import type { AttemptRecord, EventFilter, EventOutcomeRecord, EventsDescription, EventStatus, JournalEvent, NewJournalEvent, NewRun } from "./records.js";
import { openStoreDatabase, type StoreDatabase } from "./store-database.js";

/**
 * The durable record of every event and every attempt, in SQLite (WAL mode). Writes are queued
 * and committed together on the next turn of the event loop, or in groups (`groupCommits`), so
 * journaling costs one transaction per turn or group rather than one per write. A committed write
 * survives a killed process.
 * Outcomes are appended while sending; reads combine them with their events and never write, so
 * `log` never waits for a running `emit`. A later writer folds them in before its first write.
 */
export interface Journal {
  readonly path: string;
  /** The connection that owns the file, for the other stores kept in it (`openTaskHistory`). */
  readonly database: StoreDatabase;
  /** Queues a new event (an existing id is left as it is); durable once `flush()` resolves. */
  addEvent(event: NewJournalEvent): void;
  /** Records many new events in one transaction, durable on return. */
  addEvents(events: Iterable<NewJournalEvent>): void;
  /**
   * Records that a run is being planned, durable on return, before its plan is made: if the process
   * is stopped before `addRunPlan` or `completeRun`, `unrecordedRuns` gives the run back, with its recipe.
   */
  beginRun(run: NewRun): void;
  /**
   * Records a run's whole plan and marks the run recorded, in one transaction, durable on return:
   * the plan is in the journal whole or not at all. A run not begun before is begun with it.
   */
  addRunPlan(run: NewRun, events: Iterable<NewJournalEvent>): void;
  /** Marks a begun run's plan as recorded in full, durable on return (its events were recorded in batches, with `addEvents`). */
  completeRun(runId: string): void;
  /** Forgets a run whose plan was never recorded (nothing of it is in the journal). */
  forgetRun(runId: string): void;
  /** Records an attempt after which the delivery goes on (a retry follows, or it is stopped). */
  addAttempt(attempt: AttemptRecord): void;
  /** Records how a delivery ended, with the attempt that ended it: that one is not given to `addAttempt`. */
  setOutcome(eventId: string, outcome: EventOutcomeRecord): void;
  hasEvent(eventId: string): boolean;
  /**
   * Commits queued writes once `writes` of them are queued (at once, before the call that queued the
   * last returns) or `groupCommitMs` after the first, instead of at every turn of the event loop:
   * fewer, larger commits while a run sends. A kill loses at most `writes - 1` queued writes; `emit`
   * passes its concurrency, which keeps its bound (at most twice that many events sent again).
   */
  groupCommits(writes: number): void;
  /** Resolves once every queued write is committed. */
  flush(): Promise<void>;
  /** Commits every queued write now, in one transaction, durable on return; throws if that fails (the writes stay queued). */
  commit(): void;
  // Reads see this journal's own queued writes: they commit them first (with nothing queued, nothing is written).
  getEvent(eventId: string): JournalEvent | undefined;
  listEvents(filter?: EventFilter): JournalEvent[];
  /** How many events match, where they went and whether any is signed, without listing them. */
  describeEvents(filter?: Omit<EventFilter, "limit" | "first">): EventsDescription;
  listAttempts(eventId: string): AttemptRecord[];
  countByStatus(): Record<EventStatus, number>;
  /**
   * Runs begun whose plan was not recorded in full (stopped while planning), oldest first. A plan
   * recorded whole (`addRunPlan`) has none of its events in the journal; one recorded in batches may
   * have some, sent or not.
   */
  unrecordedRuns(): NewRun[];
  /** A run as begun, with its recipe (the settings `emit --resume` restores); undefined for an unknown id. */
  getRun(runId: string): NewRun | undefined;
  /**
   * Aborted, with the `JournalError` as its reason, as soon as a write cannot be committed (a full
   * disk, an I/O error): a sender stops there rather than send what it cannot record.
   */
  readonly writeFailed: AbortSignal;
  /** Commits what is queued, closes the file and releases its lock; throws, once closed, if that commit failed. */
  close(): void;
}

export interface OpenJournalOptions {
  /**
   * For reading only, as `log`: takes no lock, so it opens while another process writes, and any
   * write through it throws. Default: for writing, which this process then does alone.
   */
  readOnly?: boolean;
}

/**
 * Opens (and creates when missing) a journal at `path`, or an in-memory one for `":memory:"`. For
 * writing (the default), the file is locked to this process and checked first: a journal in use
 * by another process, a damaged file or one that is no journal throws a `JournalError`, and the
 * file is left as it is.
 *
 * @example
 * const journal = openJournal(".tiw-push-kit/journal.db"); // this process's to write, until journal.close()
 * const reader = openJournal(".tiw-push-kit/journal.db", { readOnly: true }); // also while another process writes
 * const failed = reader.listEvents({ status: "failed" });
 */
export function openJournal(path: string, options: OpenJournalOptions = {}): Journal {
  const database = openStoreDatabase(path, options);
  const writes = options.readOnly ? readOnlyWrites(path) : createJournalWrites(database);
  const reads = createJournalReads(database);
  database.beforeClose(writes.commitQueued);
  const committed = <A extends unknown[], R>(read: (...args: A) => R) => (...args: A): R => {
    writes.commitQueued();
    try {
      return read(...args);
    } catch (error) {
      throw journalErrorOf(path, error, "read");
    }
  };

  return {
    path,
    database,
    addEvent: writes.addEvent,
    addEvents: writes.addEvents,
    beginRun: writes.beginRun,
    addRunPlan: writes.addRunPlan,
    completeRun: writes.completeRun,
    forgetRun: writes.forgetRun,
    addAttempt: writes.addAttempt,
    setOutcome: writes.setOutcome,
    hasEvent: (eventId) => writes.isQueued(eventId) || reads.hasEvent(eventId),
    groupCommits: writes.groupCommits,
    flush: writes.flush,
    commit: writes.commitQueued,
    getEvent: committed(reads.getEvent),
    listEvents: committed(reads.listEvents),
    describeEvents: committed(reads.describeEvents),
    listAttempts: committed(reads.listAttempts),
    countByStatus: committed(reads.countByStatus),
    unrecordedRuns: committed(reads.unrecordedRuns),
    getRun: committed(reads.getRun),
    writeFailed: writes.writeFailed,
    close: () => database.close(),
  };
}

/** The writes of a journal opened for reading: each throws; there is never anything to commit. */
function readOnlyWrites(path: string): JournalWrites {
  const refuse = () => {
    throw new JournalError(`tiw-push-kit: the journal ${path} was opened for reading only`, "read-only");
  };
  return {
    addEvent: refuse,
    addEvents: refuse,
    beginRun: refuse,
    addRunPlan: refuse,
    completeRun: refuse,
    forgetRun: refuse,
    addAttempt: refuse,
    setOutcome: refuse,
    groupCommits: () => {},
    flush: () => Promise.resolve(),
    writeFailed: new AbortController().signal,
    isQueued: () => false,
    commitQueued: () => {},
  };
}
