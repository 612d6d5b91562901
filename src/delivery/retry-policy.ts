/** How a valid event is retried after a timeout, a connection error or a non-200 answer, and how long an attempt may take. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Wait before the first retry; multiplied by `backoffMultiplier` at each retry. */
  initialBackoffMs: number;
  /** Cap of a single wait. */
  maxBackoffMs: number;
  /** Growth of the wait per retry (1: a fixed interval). */
  backoffMultiplier: number;
  /** Half of each wait drawn at random ("equal jitter"), so that many failing deliveries do not retry in lockstep. */
  jitter: boolean;
  /** Per attempt, until the answer's body is read. */
  timeoutMs: number;
}

export interface DeliveryProfile extends RetryPolicy {
  /** Where the numbers come from, shown in `--help`, the README and the dashboard. */
  source: string;
}

/**
 * The named delivery profiles. Tencent documents no retry policy for whiteboard-push callbacks;
 * its TIW FAQ documents one for transcoding and recording callbacks, which `tencent` replays.
 */
export const deliveryProfiles = {
  tencent: {
    retries: 5,
    initialBackoffMs: 5000,
    maxBackoffMs: 5000,
    backoffMultiplier: 1,
    jitter: false,
    timeoutMs: 10_000,
    source: "Tencent's TIW FAQ: 10 s timeout, up to 5 retries 5 s apart (documented for transcoding/recording callbacks, assumed for push)",
  },
  backoff: {
    retries: 5,
    initialBackoffMs: 500,
    maxBackoffMs: 30_000,
    backoffMultiplier: 2,
    jitter: true,
    timeoutMs: 5000,
    source: "the kit's own: 5 s timeout, up to 5 retries after 0.5 s, doubling to at most 30 s, with jitter",
  },
} as const satisfies Record<string, DeliveryProfile>;

export type DeliveryProfileName = keyof typeof deliveryProfiles;
export const deliveryProfileNames = Object.keys(deliveryProfiles) as DeliveryProfileName[];

/**
 * The default is Tencent's documented policy: the only one the vendor states for TIW callbacks,
 * so a receiver meets during development the timing it meets in production.
 */
export const defaultProfileName: DeliveryProfileName = "tencent";
export const defaultRetryPolicy: RetryPolicy = deliveryProfiles[defaultProfileName];

/**
 * The wait before retry number `retry` (1-based): `initialBackoffMs × backoffMultiplier^(retry-1)`,
 * capped at `maxBackoffMs`; with jitter, half of it fixed and half random.
 *
 * @example
 * backoffDelay(3, deliveryProfiles.backoff, Math.random); // between 1000 and 2000 ms
 * backoffDelay(3, deliveryProfiles.tencent, Math.random); // 5000 ms
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.backoffMultiplier ** (retry - 1));
  return policy.jitter ? step / 2 + (random() * step) / 2 : step;
}
