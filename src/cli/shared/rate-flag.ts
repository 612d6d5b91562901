import { UsageError } from "./command.js";

/** `--rate` checked: events per second, fractions allowed. */
export function rateFlag(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const rate = Number(raw);
  if (!(rate > 0 && Number.isFinite(rate))) throw new UsageError(`--rate must be a number of events per second > 0, got '${raw}'`);
  return rate;
}
