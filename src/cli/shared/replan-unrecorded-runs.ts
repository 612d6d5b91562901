import { batchedEventId, recordPlanInBatches } from "../../delivery/record-plan.js";
import type { Journal } from "../../store/index.js";
import { write, type Io } from "./command.js";
import { generatedPlan, planFormat, recipeOf } from "./run-recipe.js";

/**
 * Before `emit --resume` sends what is pending: a generated run stopped before its plan was
 * recorded in full is planned again from its seed and settings, and the events it had not recorded
 * are added (those recorded keep their state), so that the resume sends the rest of it. A run whose
 * bodies came from a file or stdin, which the journal does not keep, was recorded whole or not at
 * all: it is reported as a `problem` and forgotten. So is a run recorded in part by a kit that
 * plans differently: its recorded events are sent, the rest cannot be planned again.
 */
export async function replanUnrecordedRuns(journal: Journal, io: Io, problem: (message: string) => Promise<void>): Promise<void> {
  for (const run of journal.unrecordedRuns()) {
    const recipe = recipeOf(run.recipe);
    if (recipe !== undefined && "seed" in recipe) {
      if (recipe.planFormat !== planFormat && journal.hasEvent(batchedEventId(run.id, 1))) {
        journal.completeRun(run.id);
        await problem(`tiw-push-kit: run ${run.id} was stopped before its plan was recorded in full, by a version of the kit that planned differently: its recorded events are sent, the rest cannot be planned again`);
        continue;
      }
      const plan = recordPlanInBatches(journal, generatedPlan(recipe).stream, { target: recipe.target, hasKey: recipe.hasKey, runId: run.id, now: () => run.createdAt });
      // Pulled to its end, the plan is recorded batch by batch; the sending is the resume's.
      const deliveries = plan.deliveries[Symbol.iterator]();
      while (!deliveries.next().done);
      await write(io.stderr, `run ${run.id} was stopped before its plan was recorded in full: planned again from --seed ${recipe.seed} --now ${recipe.now} (${plan.recordedCount()} events, those recorded before kept as they are)\n`);
      continue;
    }
    journal.forgetRun(run.id);
    const again = recipe === undefined ? "run it again" : `send them again with emit --from ${recipe.from}`;
    await problem(`tiw-push-kit: run ${run.id} was stopped before its plan was recorded, so none of it was sent; its events were not kept: ${again}`);
  }
}
