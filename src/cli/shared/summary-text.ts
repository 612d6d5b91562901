import type { DeliverySummary } from "../../delivery/summary.js";
import { defaultJournalPath } from "./default-journal-paths.js";

/**
 * The summary printed after a delivery run, with how to send what is still pending: recorded events
 * not delivered yet and, when the run stopped before its plan was recorded in full, the rest of it.
 */
export function summaryText(result: DeliverySummary, target: string, journalPath: string, left: { pending: number; planComplete: boolean }, signed: boolean): string {
  const valid = result.delivered + result.failed + result.pending;
  const codes = Object.entries(result.statusCodes)
    .map(([code, count]) => `${code} x${count}`)
    .join(", ");
  const lines = [
    `sent ${result.sent} events to ${target} in ${(result.durationMs / 1000).toFixed(2)} s (${Math.round(result.eventsPerSecond)} events/s)`,
    `valid: ${result.delivered} of ${valid} delivered, ${result.failed} failed, ${result.retried} retried`,
    ...(result.forged.sent ? [`forged: ${result.forged.sent} sent, ${result.forged.rejected} rejected, ${result.forged.accepted} wrongly accepted${result.forged.unanswered ? `, ${result.forged.unanswered} unanswered` : ""}`] : []),
    `status codes: ${codes || "none"}`,
    `latency: p50 ${result.latencyMs.p50} ms, p95 ${result.latencyMs.p95} ms, p99 ${result.latencyMs.p99} ms`,
    ...(left.pending || !left.planComplete
      ? [`pending: ${left.pending}${left.planComplete ? "" : " and the rest of the run, not planned yet"}, send them with: ${resumeCommand(journalPath, signed)}`]
      : []),
    `journal: ${journalPath}`,
  ];
  return lines.join("\n") + "\n";
}

/** The key is never journaled: signed events need it again (KEY stands for it, never printed). */
function resumeCommand(journalPath: string, signed: boolean): string {
  return ["tiw-push-kit emit --resume", ...(signed ? ["--key KEY"] : []), ...(journalPath === defaultJournalPath ? [] : [`--journal ${journalPath}`])].join(" ");
}
