import type { DeliveryOutcome } from "../../delivery/deliverer.js";

/** What the outcomes of a run say about a mistake in the command itself, tallied as they come. */
export interface DeliveryHints {
  add(outcome: DeliveryOutcome): void;
  /** One `hint: ...` line each, for stderr; none when nothing points at a mistake. */
  lines(): string;
}

// OpenSSL's answer when the other side sends plain HTTP where a TLS record was expected.
const notTls = /ERR_SSL_WRONG_VERSION_NUMBER|wrong version number|ERR_SSL_PACKET_LENGTH_TOO_LONG|EPROTO/;

export function deliveryHints(): DeliveryHints {
  const tally = { valid: 0, unauthorized: 0, notTls: 0 };
  return {
    add(outcome) {
      if (outcome.forged || outcome.status === "pending") return;
      tally.valid += 1;
      if (outcome.statusCode === 401) tally.unauthorized += 1;
      if (outcome.error !== undefined && notTls.test(outcome.error)) tally.notTls += 1;
    },
    lines() {
      const hints = [
        // Only when every one is refused: a receiver that refuses some has a reason other than the key.
        tally.valid > 0 && tally.unauthorized === tally.valid && "the receiver rejects the signature: is --key its callback key?",
        tally.notTls > 0 && "the target does not speak TLS: use http://",
      ].filter((hint) => typeof hint === "string");
      return hints.map((hint) => `hint: ${hint}\n`).join("");
    },
  };
}
