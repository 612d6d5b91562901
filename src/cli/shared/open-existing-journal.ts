import { existsSync } from "node:fs";
import { openJournal, type Journal } from "../../store/index.js";
import { UsageError } from "./command.js";

/** Opens the journal `log`, `resend` and `--resume` read; a missing one is a usage error, not an empty journal. */
export function openExistingJournal(path: string): Journal {
  if (path !== ":memory:" && !existsSync(path)) throw new UsageError(`no journal at ${path}: run emit first, or pass --journal PATH`);
  return openJournal(path);
}
