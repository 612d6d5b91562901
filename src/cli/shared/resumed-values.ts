import type { Journal, JournalEvent } from "../../store/index.js";
import { write, type Io } from "./command.js";
import type { DeliveryValues } from "./delivery-options.js";
import { recordedFlagsText } from "./recorded-delivery-flags.js";
import { recipeOf } from "./run-recipe.js";

/**
 * `emit --resume`: the delivery flags the resumed run was started with (its newest pending event's
 * run), under the flags given now; said on stderr. The key is never recorded: it comes from now.
 */
export async function resumedValues<V extends DeliveryValues>(journal: Journal, newest: JournalEvent | undefined, given: V, io: Io): Promise<V> {
  // An event's id is its run's id, `_`, and its number in the run.
  const runId = newest?.id.slice(0, newest.id.lastIndexOf("_"));
  const recorded = runId ? recipeOf(journal.getRun(runId)?.recipe)?.delivery : undefined;
  if (recorded === undefined) return given;
  const overridden = Object.keys(recorded).filter((name) => given[name as keyof DeliveryValues] !== undefined);
  // Not the target: each event keeps the URL it went to, which is the run's.
  const restored = Object.fromEntries(Object.entries(recorded).filter(([name]) => name !== "target" && given[name as keyof DeliveryValues] === undefined));
  const note = overridden.length ? `; given now: ${overridden.map((name) => `--${name}`).join(", ")}` : "";
  await write(io.stderr, `resuming run ${runId} with the settings it was started with: ${recordedFlagsText(recorded)}${note}\n`);
  return { ...given, ...restored };
}
