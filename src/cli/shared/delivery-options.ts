import { defaultConcurrency } from "../../delivery/dispatch.js";
import { defaultProfileName, deliveryProfileNames } from "../../delivery/retry-policy.js";
import { defaultExpireWindowSeconds } from "../../tiw/time-rules.js";
import { callbackKeyOption, jsonOption, type Values } from "./command.js";
import { defaultJournalPath } from "./default-journal-paths.js";
import { headerOption } from "./header-flag.js";

/** Flags shared by every command that delivers: `emit`, `resend`. */
export const deliveryOptions = {
  target: { type: "string", valueName: "URL", description: "Callback URL of your receiver (http or https)" },
  key: { ...callbackKeyOption, description: "Callback key: every send is signed with ExpireTime = send time + --expire-window" },
  "expire-window": { type: "string", valueName: "SECONDS", description: "ExpireTime minus the send time (wall clock)", defaultText: String(defaultExpireWindowSeconds) },
  concurrency: { type: "string", short: "c", valueName: "N", description: "Deliveries in flight at once (different tasks)", defaultText: String(defaultConcurrency) },
  rate: { type: "string", valueName: "EVENTS_PER_SECOND", description: "Send at most this many events per second", defaultText: "unlimited" },
  profile: { type: "string", valueName: "NAME", description: `Delivery profile (timeout and retries): ${deliveryProfileNames.join(" or ")}; see below`, defaultText: defaultProfileName },
  timeout: { type: "string", valueName: "MS", description: "Timeout of one attempt, in milliseconds", defaultText: "the profile's" },
  retries: { type: "string", valueName: "N", description: "Retries of a valid event after a timeout, connection error or non-200", defaultText: "the profile's" },
  backoff: { type: "string", valueName: "MS", description: "Wait before the first retry", defaultText: "the profile's" },
  "backoff-max": { type: "string", valueName: "MS", description: "Longest wait between retries", defaultText: "the profile's" },
  header: headerOption,
  journal: { type: "string", valueName: "PATH", description: "SQLite journal of every event and attempt", defaultText: defaultJournalPath },
  verbose: { type: "boolean", short: "v", description: "Print one line per event" },
  json: { ...jsonOption, description: "Print the summary as one JSON object on stdout" },
} as const;

export type DeliveryValues = Values<typeof deliveryOptions>;
