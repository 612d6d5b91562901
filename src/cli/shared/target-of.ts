import type { JournalEvent } from "../../store/index.js";
import { httpUrlValue, UsageError } from "./command.js";

/** Where journaled events are re-sent: `--target`, else the one URL they were sent to. */
export function targetOf(events: readonly JournalEvent[], flag: string | undefined): string {
  if (flag !== undefined) return httpUrlValue("target", flag);
  const targets = [...new Set(events.map((event) => event.target))];
  const [only] = targets;
  if (targets.length !== 1 || only === undefined || only === "in-process") {
    throw new UsageError(`these events went to ${targets.join(", ")}; pass --target URL`);
  }
  return only;
}
