/**
 * How a valid event is retried after a timeout, a connection error or a non-200 answer.
 * Tencent does not document TIW's own policy; these defaults are the kit's choice.
 */
export interface RetryPolicy {
  /** Retries after the first attempt (default 5). */
  retries: number;
  /** Backoff before the first retry (default 500 ms); doubles (`multiplier`) at each retry. */
  initialBackoffMs: number;
  /** Cap of a single backoff (default 30 000 ms). */
  maxBackoffMs: number;
  /** Growth of the backoff per retry (default 2). */
  backoffMultiplier: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 5, initialBackoffMs: 500, maxBackoffMs: 30_000, backoffMultiplier: 2 };

/**
 * The wait before retry number `retry` (1-based): exponential, capped, with "equal jitter" (half
 * the step fixed, half random) so that many failing deliveries do not retry in lockstep.
 *
 * @example
 * backoffDelay(3, defaultRetryPolicy, Math.random); // between 1000 and 2000 ms
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.backoffMultiplier ** (retry - 1));
  return step / 2 + (random() * step) / 2;
}
