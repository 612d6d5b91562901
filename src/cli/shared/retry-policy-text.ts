/** The paragraph `emit --help` and `resend --help` give on retries. */
export const retryPolicyText = [
  "Success is HTTP 200, as TIW defines it. Tencent does not document TIW's retry policy (nor timeouts,",
  "ordering or duplicates); this kit retries timeouts, connection errors and non-200 answers with",
  "exponential backoff and jitter, configurable with --retries, --backoff, --backoff-max and --timeout.",
].join("\n");
