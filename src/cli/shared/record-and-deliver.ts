import type { PlannedDelivery } from "../../delivery/chaos.js";
import { newRunId, recordedWhole, recordPlan, recordPlanInBatches } from "../../delivery/record-plan.js";
import { checkReachable } from "./check-reachable.js";
import type { RunRecipe } from "./run-recipe.js";
import { runDeliveries, type DeliveryRun } from "./run-deliveries.js";
import { withJournal } from "./with-journal.js";

export interface NewDeliveryRun extends Omit<DeliveryRun, "journal" | "plan"> {
  /** How the run is planned, kept with it so that `--resume` can plan it again if it is stopped before its plan is recorded. */
  recipe: RunRecipe;
  /**
   * Makes the plan, once the run is in the journal: a stream, recorded in batches as it is sent,
   * for a run that can be planned again from its recipe; bodies from a file or stdin, recorded whole
   * before the first send.
   */
  plan: { stream: Iterable<PlannedDelivery>; total?: number } | { whole: PlannedDelivery[] };
}

/**
 * Journals a fresh run and sends it (`emit`): the run with its recipe first, then its plan (whole,
 * or batch by batch as it is sent), and the sends. The target is checked first, so an unreachable
 * one records nothing. Returns the exit code.
 */
export async function recordAndDeliver(run: NewDeliveryRun): Promise<number> {
  const { recipe, plan, ...delivery } = run;
  await checkReachable(run.target, run.settings.timeoutMs);
  return withJournal(run.journalPath, run.io, {}, async (journal) => {
    const runId = newRunId();
    const createdAt = Date.now();
    // From here on, a killed emit leaves a run that `--resume` plans again (or reports), never a part of one.
    journal.beginRun({ id: runId, createdAt, recipe: JSON.stringify(recipe) });
    const options = { target: run.target, hasKey: run.key !== undefined, runId, now: () => createdAt };
    const recorded =
      "stream" in plan
        ? recordPlanInBatches(journal, plan.stream, { ...options, ...(plan.total !== undefined ? { total: plan.total } : {}) })
        : recordedWhole(recordPlan(journal, plan.whole, options));
    return runDeliveries({ ...delivery, journal, plan: recorded });
  });
}
