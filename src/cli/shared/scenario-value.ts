import { scenarios, type Scenario } from "../../generate/generate.js";
import { UsageError } from "./command.js";

/** The scenario of `generate` and `emit` when --scenario is absent. */
export const defaultScenario: Scenario = "mixed";

/** `--scenario` checked, `defaultScenario` when absent. */
export function scenarioValue(raw: string | undefined): Scenario {
  const scenario = raw ?? defaultScenario;
  if (!(scenarios as readonly string[]).includes(scenario)) throw new UsageError(`--scenario must be one of ${scenarios.join(", ")}, got '${scenario}'`);
  return scenario as Scenario;
}
