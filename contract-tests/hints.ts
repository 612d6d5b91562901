import type { CheckResult } from "./check.js";

/** Checks whose every callback is valid and signed: a receiver that refuses them all with 401 or 403 disagrees on the signature. */
const acceptanceCheck = /^accepts-/;

/**
 * What most likely went wrong when the failures share one cause, so the user reads one line
 * instead of a run of identical "not acknowledged" failures.
 */
export function hintsOf(results: readonly CheckResult[], unsigned: boolean): string[] {
  const acceptance = results.filter((result) => acceptanceCheck.test(result.name) && result.status !== "skip");
  const refused = acceptance.filter((result) => result.status === "fail" && /^HTTP 40[13]\b/.test(result.evidence?.received ?? ""));
  if (acceptance.length < 2 || refused.length !== acceptance.length) return [];
  const status = refused.every((result) => result.evidence?.received.startsWith("HTTP 403")) ? "403" : "401";
  if (unsigned) {
    return [
      `every callback was refused with ${status}: the unsigned profile sends no Sign or ExpireTime, as TIW does for an app without a callback key; ` +
        "if your receiver verifies a callback key, give it (--key, or callbackKey) to run the signed profile",
    ];
  }
  return [
    `every signed callback was refused with ${status}: most likely the receiver checks the signature with another key than --key, ` +
      "or computes it differently: Sign = md5(key + ExpireTime), the key first, ExpireTime as decimal digits, the digest as 32 lowercase hex " +
      "(`tiw-push-kit sign --key KEY --expire-time T` prints the expected value)",
  ];
}
