import { parseChaos, type ChaosRates } from "../../delivery/chaos.js";
import { UsageError } from "./command.js";

/** `--chaos` checked, as rates; a bad one is a usage error. */
export function chaosFlag(text: string | undefined): ChaosRates {
  try {
    return text === undefined ? {} : parseChaos(text);
  } catch (error) {
    throw new UsageError(`--chaos: ${(error as Error).message.replace(/^tiw-push-kit: /, "")}`);
  }
}
