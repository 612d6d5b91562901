import type { DeliveryOutcome } from "./deliverer.js";
import type { AttemptRecord } from "../store/index.js";
import { createLatencyHistogram } from "./latency-histogram.js";

export interface DeliverySummary {
  /** Deliveries answered or given up (an event sent twice by the `duplicate` fault counts twice). */
  sent: number;
  /** Valid events the receiver accepted (HTTP 200). */
  delivered: number;
  /** Valid events still not accepted after every retry. */
  failed: number;
  /** Valid events stopped (Ctrl-C) before an answer; `emit --resume` sends them. */
  pending: number;
  /** Deliveries that needed more than one attempt. */
  retried: number;
  attempts: number;
  /** Forgeries: a correct receiver rejects all of them; `accepted` ones reveal a missing check. */
  forged: { sent: number; rejected: number; accepted: number; unanswered: number };
  /** Per attempt; `error` counts attempts without an answer (timeout, connection error). */
  statusCodes: Record<string, number>;
  /** Per attempt, nearest rank (within 0.05 %, before rounding to hundredths). */
  latencyMs: { p50: number; p95: number; p99: number };
  durationMs: number;
  /** `sent` per second of `durationMs`. */
  eventsPerSecond: number;
}

export interface SummaryCollector {
  addAttempt(attempt: AttemptRecord): void;
  addOutcome(outcome: DeliveryOutcome): void;
  /** The figures so far; `durationMs` runs from creation to this call. */
  result(): DeliverySummary;
}

/** Tallies attempts and outcomes of a run into the figures `emit` prints. */
export function createSummary(now: () => number = () => performance.now()): SummaryCollector {
  const startedAt = now();
  const latencies = createLatencyHistogram();
  let attempts = 0;
  const statusCodes: Record<string, number> = {};
  const counts = { sent: 0, delivered: 0, failed: 0, pending: 0, retried: 0 };
  const forged = { sent: 0, rejected: 0, accepted: 0, unanswered: 0 };

  return {
    addAttempt(attempt) {
      attempts += 1;
      latencies.add(attempt.latencyMs);
      const code = attempt.statusCode === undefined ? "error" : String(attempt.statusCode);
      statusCodes[code] = (statusCodes[code] ?? 0) + 1;
    },
    addOutcome(outcome) {
      counts.sent += 1;
      if (outcome.attempts > 1) counts.retried += 1;
      if (outcome.forged) {
        forged.sent += 1;
        if (outcome.status === "forged-accepted") forged.accepted += 1;
        else if (outcome.status === "forged-rejected") forged.rejected += 1;
        else forged.unanswered += 1;
        return;
      }
      if (outcome.status === "delivered") counts.delivered += 1;
      else if (outcome.status === "pending") counts.pending += 1;
      else counts.failed += 1;
    },
    result() {
      const durationMs = now() - startedAt;
      const percentile = (p: number) => round(latencies.percentile(p));
      return {
        ...counts,
        attempts,
        forged: { ...forged },
        statusCodes: { ...statusCodes },
        latencyMs: { p50: percentile(50), p95: percentile(95), p99: percentile(99) },
        durationMs: round(durationMs),
        eventsPerSecond: durationMs > 0 ? round((counts.sent * 1000) / durationMs) : 0,
      };
    },
  };
}

/** Whether a run passed: every valid event delivered and no forgery accepted. */
export function summaryPassed(summary: DeliverySummary): boolean {
  return summary.failed === 0 && summary.pending === 0 && summary.forged.accepted === 0;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
