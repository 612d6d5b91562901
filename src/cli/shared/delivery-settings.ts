import { defaultConcurrency } from "../../delivery/dispatch.js";
import { defaultProfileName, deliveryProfileNames, deliveryProfiles, type DeliveryProfileName } from "../../delivery/retry-policy.js";
import { defaultExpireWindowSeconds } from "../../tiw/time-rules.js";
import { intValue, UsageError } from "./command.js";
import type { DeliveryValues } from "./delivery-options.js";
import { headerValues } from "./header-flag.js";
import { rateFlag } from "./rate-flag.js";

export interface DeliverySettings {
  expireWindowSeconds: number;
  concurrency: number;
  rate?: number;
  timeoutMs: number;
  retries: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  backoffMultiplier: number;
  jitter: boolean;
  /** The profile the settings start from; explicit flags override its numbers. */
  profile: DeliveryProfileName;
  /** `--header` flags, sent with every callback. */
  headers?: Record<string, string>;
}

/** The delivery flags, checked, with their defaults. */
export function deliverySettings(values: DeliveryValues): DeliverySettings {
  const rate = rateFlag(values.rate);
  const profile = profileValue(values.profile);
  const base = deliveryProfiles[profile];
  const initialBackoffMs = intValue("backoff", values.backoff, { min: 0 }) ?? base.initialBackoffMs;
  const headers = headerValues(values.header);
  return {
    profile,
    ...(headers ? { headers } : {}),
    backoffMultiplier: base.backoffMultiplier,
    jitter: base.jitter,
    expireWindowSeconds: intValue("expire-window", values["expire-window"], { min: 0 }) ?? defaultExpireWindowSeconds,
    concurrency: intValue("concurrency", values.concurrency, { min: 1, max: 10_000 }) ?? defaultConcurrency,
    ...(rate !== undefined ? { rate } : {}),
    timeoutMs: intValue("timeout", values.timeout, { min: 1 }) ?? base.timeoutMs,
    retries: intValue("retries", values.retries, { min: 0, max: 100 }) ?? base.retries,
    initialBackoffMs,
    // A first wait longer than the profile's cap raises the cap: the flag says what the user wants.
    maxBackoffMs: intValue("backoff-max", values["backoff-max"], { min: 0 }) ?? Math.max(base.maxBackoffMs, initialBackoffMs),
  };
}

/** `--profile` checked, the default when absent. */
export function profileValue(raw: string | undefined): DeliveryProfileName {
  if (raw === undefined) return defaultProfileName;
  if (!(deliveryProfileNames as string[]).includes(raw)) throw new UsageError(`--profile must be one of ${deliveryProfileNames.join(", ")}, got '${raw}'`);
  return raw as DeliveryProfileName;
}
