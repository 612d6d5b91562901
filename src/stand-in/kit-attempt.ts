import type { AttemptRecord } from "../delivery/index.js";
import type { KitAttempt } from "./types.js";

/** An engine attempt as the control surface shows it, for the stand-in's deliveries and chaos bursts alike. */
export function kitAttempt(record: AttemptRecord): KitAttempt {
  return {
    at: record.at,
    status: record.statusCode ?? null,
    error: record.error ?? (record.statusCode === 200 ? null : `HTTP ${record.statusCode}`),
    durationMs: record.latencyMs,
  };
}

/** A copy of a delivery that later attempts do not change, for listeners and callers. */
export function withCopiedAttempts<T extends { attempts: KitAttempt[] }>(delivery: T): T {
  return { ...delivery, attempts: delivery.attempts.map((attempt) => ({ ...attempt })) };
}
