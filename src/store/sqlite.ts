import type * as Sqlite from "node:sqlite";
import { JournalError } from "./journal-error.js";

let loaded: typeof Sqlite | undefined;

/**
 * `node:sqlite`, loaded the first time a journal is opened rather than imported: importing the
 * package (`verifyCallback` in a receiver) or running a command without a journal never loads it.
 * Node 22.13 to 22.x warn that SQLite is experimental when it loads; that one warning says nothing
 * to a kit user and is dropped, every other warning goes through.
 */
export function loadSqlite(): typeof Sqlite {
  if (loaded) return loaded;
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, ...args: Parameters<typeof emitWarning>) {
    if (!isSqliteExperimentalWarning(args)) Reflect.apply(emitWarning, this, args);
  } as typeof emitWarning;
  try {
    loaded = process.getBuiltinModule("node:sqlite");
  } finally {
    process.emitWarning = emitWarning;
  }
  // Node 22.12 has it only behind --experimental-sqlite.
  if (!loaded) throw new JournalError(`tiw-push-kit: a journal needs node:sqlite, which Node.js ${process.version} does not give: use Node.js 22.13 or later`, "unavailable");
  return loaded;
}

function isSqliteExperimentalWarning([warning, typeOrOptions]: Parameters<typeof process.emitWarning>): boolean {
  const type = typeof typeOrOptions === "string" ? typeOrOptions : typeOrOptions?.type;
  const message = typeof warning === "string" ? warning : warning.message;
  return type === "ExperimentalWarning" && message.startsWith("SQLite ");
}
