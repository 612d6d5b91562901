import { UsageError } from "./command.js";

/** The key is never stored: events that were signed need it again to be re-signed. */
export function requireKeyFor(events: { signed: boolean }, key: string | undefined): void {
  if (key === undefined && events.signed) {
    throw new UsageError("these events are sent signed: pass --key or --key-file (or set TIW_CALLBACK_KEY)");
  }
}
