import { plannedFromJournal } from "../../delivery/record-plan.js";
import type { Journal, JournalEvent } from "../../store/index.js";
import { write } from "./command.js";
import { checkReachable } from "./check-reachable.js";
import { openExistingJournal } from "./open-existing-journal.js";
import { requireKeyFor } from "./require-key-for.js";
import { runDeliveries, type DeliveryRun } from "./run-deliveries.js";
import { targetOf } from "./target-of.js";

export interface ResendRun extends Omit<DeliveryRun, "target" | "journal" | "planned" | "replay"> {
  /** The journaled events to send again. */
  select(journal: Journal): JournalEvent[];
  /** Printed, with exit 0, when `select` finds nothing. */
  nothingText: string;
}

/**
 * Sends journaled events again (`resend`, `emit --resume`): to `--target` or where they first went,
 * re-signed with the key given now. Returns the exit code.
 */
export async function resendFromJournal(run: ResendRun): Promise<number> {
  const { select, nothingText, ...delivery } = run;
  const journal = openExistingJournal(run.journalPath);
  try {
    const events = select(journal);
    if (events.length === 0) {
      await write(run.io.stderr, `${nothingText}\n`);
      return 0;
    }
    const target = targetOf(events, run.values.target);
    requireKeyFor(events, run.key);
    await checkReachable(target, run.settings.timeoutMs);
    return await runDeliveries({ ...delivery, target, journal, planned: events.map(plannedFromJournal) });
  } finally {
    journal.close();
  }
}
