import { existsSync } from "node:fs";
import { JournalError, openJournal, type Journal } from "../../store/index.js";
import { UsageError, write, type Io } from "./command.js";

export interface JournalUse {
  /** Only reads it (`log`): no lock, so it opens while another process writes. */
  readOnly?: boolean;
  /** There must already be one: a missing journal is a usage error, not an empty journal. */
  existing?: boolean;
}

/**
 * Opens the journal at `path`, runs `use` with it and closes it; returns the exit code. A journal
 * that cannot be used (in use by another process, corrupted, no journal, not writable) is one line
 * on stderr and exit 2, whether opening, using or closing it found out.
 */
export async function withJournal(path: string, io: Io, how: JournalUse, use: (journal: Journal) => Promise<number>): Promise<number> {
  if (how.existing && path !== ":memory:" && !existsSync(path)) throw new UsageError(`no journal at ${path}: run emit first, or pass --journal PATH`);
  let journal: Journal;
  try {
    journal = openJournal(path, { readOnly: how.readOnly === true });
  } catch (error) {
    return reported(io, error);
  }
  let result: { code: number } | { error: unknown };
  try {
    result = { code: await use(journal) };
  } catch (error) {
    result = { error };
  }
  try {
    journal.close();
  } catch (error) {
    // When `use` failed, closing fails for the same cause: its error is the one to tell.
    if ("code" in result) result = { error };
  }
  return "code" in result ? result.code : reported(io, result.error);
}

async function reported(io: Io, error: unknown): Promise<number> {
  if (!(error instanceof JournalError)) throw error;
  await write(io.stderr, `${error.message}\n`);
  return 2;
}
