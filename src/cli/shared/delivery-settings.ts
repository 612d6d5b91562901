import { defaultTimeoutMs } from "../../delivery/deliverer.js";
import { defaultConcurrency } from "../../delivery/dispatch.js";
import { defaultRetryPolicy } from "../../delivery/retry-policy.js";
import { defaultExpireWindowSeconds } from "../../tiw/time-rules.js";
import { intValue } from "./command.js";
import type { DeliveryValues } from "./delivery-options.js";
import { rateFlag } from "./rate-flag.js";

export interface DeliverySettings {
  expireWindowSeconds: number;
  concurrency: number;
  rate?: number;
  timeoutMs: number;
  retries: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** The delivery flags, checked, with their defaults. */
export function deliverySettings(values: DeliveryValues): DeliverySettings {
  const rate = rateFlag(values.rate);
  return {
    expireWindowSeconds: intValue("expire-window", values["expire-window"], { min: 0 }) ?? defaultExpireWindowSeconds,
    concurrency: intValue("concurrency", values.concurrency, { min: 1, max: 10_000 }) ?? defaultConcurrency,
    ...(rate !== undefined ? { rate } : {}),
    timeoutMs: intValue("timeout", values.timeout, { min: 1 }) ?? defaultTimeoutMs,
    retries: intValue("retries", values.retries, { min: 0, max: 100 }) ?? defaultRetryPolicy.retries,
    initialBackoffMs: intValue("backoff", values.backoff, { min: 0 }) ?? defaultRetryPolicy.initialBackoffMs,
    maxBackoffMs: intValue("backoff-max", values["backoff-max"], { min: 0 }) ?? defaultRetryPolicy.maxBackoffMs,
  };
}
