import { intValue, type OptionSpec } from "./command.js";

/** Push tasks made when no --count is given, the same for every command that makes them. */
export const defaultTaskCount = 10;

export const countOption = {
  type: "string",
  short: "n",
  valueName: "N",
  description: "Number of push tasks (two events each)",
  defaultText: String(defaultTaskCount),
} as const satisfies OptionSpec;

/** `--count` checked, the default when absent. */
export function countValue(raw: string | undefined): number {
  return intValue("count", raw, { min: 0, max: 10_000_000 }) ?? defaultTaskCount;
}
