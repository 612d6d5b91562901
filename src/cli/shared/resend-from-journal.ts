import type { PlannedDelivery } from "../../delivery/chaos.js";
import { plannedFromJournal, type RecordedPlan } from "../../delivery/record-plan.js";
import type { Journal } from "../../store/index.js";
import { write } from "./command.js";
import { checkReachable } from "./check-reachable.js";
import type { EventSelection } from "./event-selection.js";
import { requireKeyFor } from "./require-key-for.js";
import { runDeliveries, type DeliveryRun } from "./run-deliveries.js";
import { targetOf } from "./target-of.js";
import { withJournal } from "./with-journal.js";

export interface ResendRun extends Omit<DeliveryRun, "target" | "journal" | "plan" | "replay"> {
  /** The journaled events to send again; `problem` reports on stderr what cannot be sent, and the run then exits 1. */
  select(journal: Journal, problem: (message: string) => Promise<void>): EventSelection | Promise<EventSelection>;
  /** Printed when `select` finds nothing. */
  nothingText: string;
  /** The flags and settings to send the selected events with, when they depend on them (`emit --resume`); `values` and `settings` otherwise. */
  settingsFor?(journal: Journal, selection: EventSelection): Promise<Pick<DeliveryRun, "values" | "settings">>;
}

/**
 * Sends journaled events again (`resend`, `emit --resume`): to `--target` or where they first went,
 * re-signed with the key given now, read from the journal as they are sent. An event whose row is
 * damaged is reported by its id and skipped; the others are sent. Returns the exit code: 1 if
 * anything could not be sent.
 */
export async function resendFromJournal(run: ResendRun): Promise<number> {
  const { select, nothingText, settingsFor, ...given } = run;
  return withJournal(run.journalPath, run.io, { existing: true }, async (journal) => {
    let problems = 0;
    let reported = Promise.resolve();
    const problem = (message: string) => {
      problems += 1;
      reported = reported.then(() => write(run.io.stderr, `${message}\n`));
      return reported;
    };
    const selection = await select(journal, problem);
    if (selection.count === 0) {
      await write(run.io.stderr, `${nothingText}\n`);
      return problems > 0 ? 1 : 0;
    }
    const delivery = settingsFor ? { ...given, ...(await settingsFor(journal, selection)) } : given;
    const target = targetOf(selection.targets, delivery.values.target);
    requireKeyFor(selection, run.key);
    await checkReachable(target, delivery.settings.timeoutMs);
    let skipped = 0;
    function* deliveries(): Generator<PlannedDelivery> {
      for (const event of selection.events) {
        try {
          yield plannedFromJournal(event);
        } catch (error) {
          skipped += 1;
          // Told in order as the sends go on; a failure to tell surfaces when `reported` is awaited below.
          problem(`${(error as Error).message}; skipped`).catch(() => {});
        }
      }
    }
    const plan: RecordedPlan = { deliveries: { [Symbol.iterator]: deliveries }, recordedCount: () => selection.count - skipped, complete: () => true, total: selection.count };
    const code = await runDeliveries({ ...delivery, target, journal, plan });
    await reported;
    return problems > 0 ? Math.max(code, 1) : code;
  });
}
