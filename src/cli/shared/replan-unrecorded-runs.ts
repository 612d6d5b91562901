import { recordPlan } from "../../delivery/record-plan.js";
import type { Journal } from "../../store/index.js";
import { write, type Io } from "./command.js";
import { generatedPlan, recipeOf } from "./run-recipe.js";

/**
 * Before `emit --resume` sends what is pending: a run stopped before its plan was recorded (none
 * of it was sent) is planned again from its seed and settings and recorded whole, so that the
 * resume sends all of it; one whose bodies came from a file or stdin, which the journal does not
 * keep, is reported as a `problem` and forgotten.
 */
export async function replanUnrecordedRuns(journal: Journal, io: Io, problem: (message: string) => Promise<void>): Promise<void> {
  for (const run of journal.unrecordedRuns()) {
    const recipe = recipeOf(run.recipe);
    if (recipe !== undefined && "seed" in recipe) {
      recordPlan(journal, generatedPlan(recipe), { target: recipe.target, hasKey: recipe.hasKey, runId: run.id, now: () => run.createdAt });
      await write(io.stderr, `run ${run.id} was stopped before its plan was recorded, so none of it was sent: planned again from --seed ${recipe.seed} --now ${recipe.now}\n`);
      continue;
    }
    journal.forgetRun(run.id);
    const again = recipe === undefined ? "run it again" : `send them again with emit --from ${recipe.from}`;
    await problem(`tiw-push-kit: run ${run.id} was stopped before its plan was recorded, so none of it was sent; its events were not kept: ${again}`);
  }
}
