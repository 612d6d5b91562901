import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { corruptedJournal, journalErrorOf } from "./journal-error.js";
import { lockJournal } from "./journal-lock.js";
import { migrate } from "./migrations.js";
import { loadSqlite } from "./sqlite.js";
import { createTransaction, type Transaction } from "./transaction.js";

/** The one connection to a journal file, shared by everything kept in it (the journal, the stand-in's task history). */
export interface StoreDatabase {
  /** The file, or `:memory:`. */
  readonly path: string;
  readonly isOpen: boolean;
  prepare(sql: string): StatementSync;
  /** The only way to write: see `createTransaction`. SQLite's errors come out as a `JournalError` naming the file and the cause. */
  transaction: Transaction;
  /** Registers work to finish before the file closes, such as committing queued writes; returns its removal. */
  beforeClose(finish: () => void): () => void;
  /** Finishes what `beforeClose` registered, then closes; throws what finishing threw, once closed. */
  close(): void;
}

export interface StoreOptions {
  /** For reading only (`log`): takes no lock and skips the integrity check, so it never waits for a writer nor refuses one. */
  readOnly?: boolean;
}

/**
 * Opens (and creates when missing) the journal file at `path`, or an in-memory one for `":memory:"`,
 * at the current layout. A file opened for writing is locked to this process (see `lockJournal`)
 * and checked (`PRAGMA quick_check`) before anything is written to it: a journal in use elsewhere,
 * a damaged file or one that is no SQLite database is refused with a `JournalError`, left as it is.
 */
export function openStoreDatabase(path: string, options: StoreOptions = {}): StoreDatabase {
  const { DatabaseSync } = loadSqlite();
  const file = path !== ":memory:";
  const writer = file && !options.readOnly;
  if (writer) mkdirSync(dirname(path), { recursive: true });
  let connection: DatabaseSync | undefined;
  let unlock = () => {};
  try {
    connection = new DatabaseSync(path);
    // The busy timeout comes first: another process may hold a lock while this one opens.
    connection.exec("PRAGMA busy_timeout = 5000");
    const transaction = createTransaction(connection);
    if (writer) {
      unlock = lockJournal(path, (work) => transaction(work));
      checkIntact(connection, path);
    }
    // WAL lets `log` read while `emit` writes; NORMAL syncs at checkpoints, which survives a killed
    // process (the OS keeps what was written) though not a power cut.
    // A large autocheckpoint lets the pages rewritten by every commit (the tails of the tables) be
    // copied back to the database once per 40 MB of WAL instead of once per 4 MB.
    connection.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 10000;");
    migrate(connection, transaction, path);
    return storeOver(connection, path, transaction, unlock);
  } catch (error) {
    connection?.close();
    unlock();
    throw journalErrorOf(path, error, "opened");
  }
}

/** Refuses a damaged file before anything is written to it. `quick_check` reads every page: about 0.1 s per 100 MB. */
function checkIntact(connection: DatabaseSync, path: string): void {
  const findings = connection.prepare("PRAGMA quick_check(3)").all().map((row) => String(row.quick_check));
  if (findings.length !== 1 || findings[0] !== "ok") throw corruptedJournal(path, `quick_check: ${findings.join("; ")}`);
}

function storeOver(connection: DatabaseSync, path: string, transaction: Transaction, unlock: () => void): StoreDatabase {
  const finishers = new Set<() => void>();
  return {
    path,
    get isOpen() {
      return connection.isOpen;
    },
    prepare: (sql) => connection.prepare(sql),
    transaction<T>(writes: () => T): T {
      try {
        return transaction(writes);
      } catch (error) {
        throw journalErrorOf(path, error, "written");
      }
    },
    beforeClose(finish) {
      finishers.add(finish);
      return () => finishers.delete(finish);
    },
    close() {
      if (!connection.isOpen) return;
      const failures: unknown[] = [];
      for (const finish of finishers) {
        try {
          finish();
        } catch (error) {
          failures.push(error);
        }
      }
      finishers.clear();
      connection.close();
      unlock();
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) throw new AggregateError(failures, "tiw-push-kit: writes queued for the journal were lost at close");
    },
  };
}
