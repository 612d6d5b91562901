import type { PlannedDelivery } from "../../delivery/chaos.js";
import { plannedFromJournal, recordedWhole } from "../../delivery/record-plan.js";
import type { Journal, JournalEvent } from "../../store/index.js";
import { write } from "./command.js";
import { checkReachable } from "./check-reachable.js";
import { requireKeyFor } from "./require-key-for.js";
import { runDeliveries, type DeliveryRun } from "./run-deliveries.js";
import { targetOf } from "./target-of.js";
import { withJournal } from "./with-journal.js";

export interface ResendRun extends Omit<DeliveryRun, "target" | "journal" | "plan" | "replay"> {
  /** The journaled events to send again; `problem` reports on stderr what cannot be sent, and the run then exits 1. */
  select(journal: Journal, problem: (message: string) => Promise<void>): JournalEvent[] | Promise<JournalEvent[]>;
  /** Printed when `select` finds nothing. */
  nothingText: string;
  /** The flags and settings to send the selected events with, when they depend on them (`emit --resume`); `values` and `settings` otherwise. */
  settingsFor?(journal: Journal, events: readonly JournalEvent[]): Promise<Pick<DeliveryRun, "values" | "settings">>;
}

/**
 * Sends journaled events again (`resend`, `emit --resume`): to `--target` or where they first went,
 * re-signed with the key given now. An event whose row is damaged is reported by its id and
 * skipped; the others are sent. Returns the exit code: 1 if anything could not be sent.
 */
export async function resendFromJournal(run: ResendRun): Promise<number> {
  const { select, nothingText, settingsFor, ...given } = run;
  return withJournal(run.journalPath, run.io, { existing: true }, async (journal) => {
    let problems = 0;
    const problem = async (message: string) => {
      problems += 1;
      await write(run.io.stderr, `${message}\n`);
    };
    const events = await select(journal, problem);
    if (events.length === 0) {
      await write(run.io.stderr, `${nothingText}\n`);
      return problems > 0 ? 1 : 0;
    }
    const delivery = settingsFor ? { ...given, ...(await settingsFor(journal, events)) } : given;
    const target = targetOf(events, delivery.values.target);
    requireKeyFor(events, run.key);
    const planned: PlannedDelivery[] = [];
    for (const event of events) {
      try {
        planned.push(plannedFromJournal(event));
      } catch (error) {
        await problem(`${(error as Error).message}; skipped`);
      }
    }
    if (planned.length === 0) return 1;
    await checkReachable(target, delivery.settings.timeoutMs);
    const code = await runDeliveries({ ...delivery, target, journal, plan: recordedWhole(planned) });
    return problems > 0 ? Math.max(code, 1) : code;
  });
}
