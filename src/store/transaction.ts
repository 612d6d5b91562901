import type { DatabaseSync } from "node:sqlite";

/** Runs `writes` as one write transaction and returns what it returns. */
export type Transaction = <T>(writes: () => T) => T;

/**
 * The one way the store writes: `BEGIN IMMEDIATE`, the writes, `COMMIT`; on an error, `ROLLBACK`
 * and the error thrown as it came. IMMEDIATE takes the write lock up front, where the busy timeout
 * applies, rather than on the first write, where WAL mode fails at once if another process wrote in between.
 */
export function createTransaction(connection: DatabaseSync): Transaction {
  const begin = connection.prepare("BEGIN IMMEDIATE");
  const commit = connection.prepare("COMMIT");
  const rollback = connection.prepare("ROLLBACK");

  function rollBackAfter(failure: unknown): void {
    // SQLite ends the transaction itself after some errors (a full disk): nothing is left to roll back.
    if (!connection.isTransaction) return;
    try {
      rollback.run();
    } catch (rollbackError) {
      // Both matter: the write's error says what failed, the rollback's that the connection is now in doubt.
      throw new AggregateError([failure, rollbackError], "tiw-push-kit: a write failed and rolling it back failed too", { cause: rollbackError });
    }
  }

  return <T>(writes: () => T): T => {
    // Outside the try: when BEGIN fails, no transaction of this call is open to roll back.
    begin.run();
    try {
      const result = writes();
      commit.run();
      return result;
    } catch (error) {
      rollBackAfter(error);
      throw error;
    }
  };
}
