import { httpUrlValue, UsageError } from "./command.js";

/** Where journaled events are re-sent: `--target`, else the one URL they were sent to. */
export function targetOf(targets: readonly string[], flag: string | undefined): string {
  if (flag !== undefined) return httpUrlValue("target", flag);
  const [only] = targets;
  if (targets.length !== 1 || only === undefined || only === "in-process") {
    throw new UsageError(`these events went to ${targets.join(", ")}${targets.length > 1 ? " (and maybe more)" : ""}; pass --target URL`);
  }
  return only;
}
