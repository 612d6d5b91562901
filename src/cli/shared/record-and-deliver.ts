import { recordPlan } from "../../delivery/record-plan.js";
import { openJournal } from "../../store/index.js";
import { checkReachable } from "./check-reachable.js";
import { runDeliveries, type DeliveryRun } from "./run-deliveries.js";

/**
 * Journals a fresh plan and sends it (`emit`). The target is checked first, so an unreachable one
 * records nothing. Returns the exit code.
 */
export async function recordAndDeliver(run: Omit<DeliveryRun, "journal">): Promise<number> {
  await checkReachable(run.target, run.settings.timeoutMs);
  const journal = openJournal(run.journalPath);
  try {
    const recorded = recordPlan(journal, run.planned, { target: run.target, hasKey: run.key !== undefined });
    return await runDeliveries({ ...run, journal, planned: recorded });
  } finally {
    journal.close();
  }
}
