import { validateEvent } from "../../spec/validation.js";
import type { WhiteboardPushEvent } from "../../tiw/events.js";
import { UsageError, type Io } from "./command.js";
import { readSource, splitRecords } from "./input.js";

/** Callback bodies from a file or stdin (`-`); each must be a body the spec accepts. */
export async function eventsFrom(source: string, io: Io): Promise<WhiteboardPushEvent[]> {
  const records = splitRecords(await readSource(source, io), source === "-" ? "stdin" : source);
  if (records.length === 0) throw new UsageError(`no callback bodies in ${source === "-" ? "standard input" : source}`);
  return records.map(({ location, raw, parseError }) => {
    if (parseError !== undefined) throw new UsageError(`${location} is not valid JSON: ${parseError}`);
    const checked = validateEvent(JSON.parse(raw));
    if (!checked.ok) {
      const [first] = checked.issues;
      throw new UsageError(`${location} is not a callback body (${first?.pointer || "/"} ${first?.message}); check it with 'tiw-push-kit validate'`);
    }
    return checked.event;
  });
}
