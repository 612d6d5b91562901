import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { migrate } from "./migrations.js";
import { createTransaction, type Transaction } from "./transaction.js";

/** The one connection to a journal file, shared by everything kept in it (the journal, the stand-in's task history). */
export interface StoreDatabase {
  /** The file, or `:memory:`. */
  readonly path: string;
  readonly isOpen: boolean;
  prepare(sql: string): StatementSync;
  /** The only way to write: see `createTransaction`. */
  transaction: Transaction;
  /** Registers work to finish before the file closes, such as committing queued writes; returns its removal. */
  beforeClose(finish: () => void): () => void;
  /** Finishes what `beforeClose` registered, then closes; throws what finishing threw, once closed. */
  close(): void;
}

/**
 * Opens (and creates when missing) the journal file at `path`, or an in-memory one for `":memory:"`,
 * at the current layout.
 */
export function openStoreDatabase(path: string): StoreDatabase {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const connection = new DatabaseSync(path);
  // WAL lets `log` read while `emit` writes; NORMAL syncs at checkpoints, which survives a killed
  // process (the OS keeps what was written) though not a power cut.
  // A large autocheckpoint lets the pages rewritten by every commit (the tails of the tables) be
  // copied back to the database once per 40 MB of WAL instead of once per 4 MB.
  // The busy timeout comes first: another process may hold a lock while this one opens.
  connection.exec("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 10000;");
  const transaction = createTransaction(connection);
  try {
    migrate(connection, transaction, path);
  } catch (error) {
    connection.close();
    throw error;
  }
  const finishers = new Set<() => void>();

  return {
    path,
    get isOpen() {
      return connection.isOpen;
    },
    prepare: (sql) => connection.prepare(sql),
    transaction,
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
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) throw new AggregateError(failures, "tiw-push-kit: writes queued for the journal were lost at close");
    },
  };
}
