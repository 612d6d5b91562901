/**
 * Why a journal cannot be used: `in-use` by another process, `corrupted` or `not-a-journal` file,
 * `unwritable` (a full disk, an I/O error, a refused write), `unreadable`, `too-new` (a newer
 * layout), `read-only` (opened for reading), `unavailable` (no `node:sqlite` in this Node.js).
 */
export type JournalProblem = "in-use" | "corrupted" | "not-a-journal" | "unwritable" | "unreadable" | "too-new" | "read-only" | "unavailable";

/** A journal that cannot be used as asked; the message says why and what to do, in one line. */
export class JournalError extends Error {
  override readonly name = "JournalError";

  constructor(
    message: string,
    readonly problem: JournalProblem,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** SQLite's primary result codes a journal meets, by number, with what they mean for its user. */
const resultCodes: Record<number, { name: string; meaning: string }> = {
  3: { name: "SQLITE_PERM", meaning: "permission denied" },
  5: { name: "SQLITE_BUSY", meaning: "locked by another connection" },
  6: { name: "SQLITE_LOCKED", meaning: "locked" },
  7: { name: "SQLITE_NOMEM", meaning: "out of memory" },
  8: { name: "SQLITE_READONLY", meaning: "read-only" },
  10: { name: "SQLITE_IOERR", meaning: "I/O error" },
  11: { name: "SQLITE_CORRUPT", meaning: "corrupted" },
  13: { name: "SQLITE_FULL", meaning: "disk full" },
  14: { name: "SQLITE_CANTOPEN", meaning: "cannot open the file" },
  19: { name: "SQLITE_CONSTRAINT", meaning: "a constraint refused the write" },
  26: { name: "SQLITE_NOTADB", meaning: "not a database" },
};

interface SqliteError extends Error {
  code: "ERR_SQLITE_ERROR";
  errcode: number;
}

function isSqliteError(error: unknown): error is SqliteError {
  return error instanceof Error && (error as Partial<SqliteError>).code === "ERR_SQLITE_ERROR" && typeof (error as Partial<SqliteError>).errcode === "number";
}

/**
 * The error a journal at `path` reports for `error`, met while it was being `doing`: SQLite's errors
 * as a `JournalError` naming the file, the cause in words and SQLite's code; any other as it is.
 * The error of a failed write wrapped with its failed rollback is reported by the write's.
 *
 * @example
 * journalErrorOf("j.db", fullDiskError, "written").message; // "tiw-push-kit: the journal j.db cannot be written: disk full (SQLITE_FULL): database or disk is full"
 */
export function journalErrorOf(path: string, error: unknown, doing: "opened" | "read" | "written"): unknown {
  if (error instanceof JournalError) return error;
  const cause = error instanceof AggregateError && isSqliteError(error.errors[0]) ? error.errors[0] : error;
  if (!isSqliteError(cause)) return error;
  const code = resultCodes[cause.errcode & 0xff] ?? { name: `SQLite error ${cause.errcode}`, meaning: "error" };
  if (code.name === "SQLITE_NOTADB") return new JournalError(`tiw-push-kit: ${path} is not a tiw-push-kit journal (${code.name}: ${cause.message})`, "not-a-journal", { cause: error });
  if (code.name === "SQLITE_CORRUPT") return corruptedJournal(path, `${code.name}: ${cause.message}`, error);
  return new JournalError(`tiw-push-kit: the journal ${path} cannot be ${doing}: ${code.meaning} (${code.name}): ${cause.message}`, doing === "read" ? "unreadable" : "unwritable", {
    cause: error,
  });
}

/** A journal whose file SQLite finds damaged: refused as it is, never written. */
export function corruptedJournal(path: string, finding: string, cause?: unknown): JournalError {
  return new JournalError(`tiw-push-kit: the journal ${path} is corrupted (${finding}); it was left as it is: move it away to start a new one`, "corrupted", { cause });
}
