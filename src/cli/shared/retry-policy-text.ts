import { defaultProfileName, deliveryProfileNames, deliveryProfiles } from "../../delivery/retry-policy.js";
/** The paragraph `emit --help` and `resend --help` give on retries. */
export const retryPolicyText = [
  "Success is HTTP 200, as TIW defines it. Timeouts, connection errors and other answers are retried as",
  "--profile says, and --timeout, --retries, --backoff and --backoff-max override its numbers:",
  ...deliveryProfileNames.map((name) => `  ${name}${name === defaultProfileName ? " (default)" : ""}: ${deliveryProfiles[name].source}`),
].join("\n");
