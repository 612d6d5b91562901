import { defaultTimeoutMs } from "../../delivery/deliverer.js";
import { defaultConcurrency } from "../../delivery/dispatch.js";
import { defaultRetryPolicy } from "../../delivery/retry-policy.js";
import { defaultExpireWindowSeconds } from "../../tiw/time-rules.js";
import { callbackKeyOption, jsonOption, type Values } from "./command.js";
import { defaultJournalPath } from "./default-journal-paths.js";

/** Flags shared by every command that delivers: `emit`, `resend`. */
export const deliveryOptions = {
  target: { type: "string", valueName: "URL", description: "Callback URL of your receiver (http or https)" },
  key: { ...callbackKeyOption, description: "Callback key: every send is signed with ExpireTime = send time + --expire-window" },
  "expire-window": { type: "string", valueName: "SECONDS", description: "ExpireTime minus the send time (wall clock)", defaultText: String(defaultExpireWindowSeconds) },
  concurrency: { type: "string", short: "c", valueName: "N", description: "Deliveries in flight at once (different tasks)", defaultText: String(defaultConcurrency) },
  rate: { type: "string", valueName: "EVENTS_PER_SECOND", description: "Send at most this many events per second", defaultText: "unlimited" },
  timeout: { type: "string", valueName: "MS", description: "Timeout of one attempt", defaultText: String(defaultTimeoutMs) },
  retries: { type: "string", valueName: "N", description: "Retries of a valid event after a timeout, connection error or non-200", defaultText: String(defaultRetryPolicy.retries) },
  backoff: { type: "string", valueName: "MS", description: "Wait before the first retry; grows x2 per retry, with jitter", defaultText: String(defaultRetryPolicy.initialBackoffMs) },
  "backoff-max": { type: "string", valueName: "MS", description: "Longest wait between retries", defaultText: String(defaultRetryPolicy.maxBackoffMs) },
  journal: { type: "string", valueName: "PATH", description: "SQLite journal of every event and attempt", defaultText: defaultJournalPath },
  verbose: { type: "boolean", short: "v", description: "Print one line per event" },
  json: { ...jsonOption, description: "Print the summary as one JSON object on stdout" },
} as const;

export type DeliveryValues = Values<typeof deliveryOptions>;
