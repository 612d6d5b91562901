import { createDeliverer, type DeliveryOutcome } from "../../delivery/deliverer.js";
import { dispatch } from "../../delivery/dispatch.js";
import type { RecordedPlan } from "../../delivery/record-plan.js";
import { createSummary, summaryPassed } from "../../delivery/summary.js";
import type { Journal } from "../../store/index.js";
import { write, type Io } from "./command.js";
import type { DeliveryValues } from "./delivery-options.js";
import type { DeliverySettings } from "./delivery-settings.js";
import { deliveryHints } from "./delivery-hints.js";
import { injectedFetch } from "./injected-fetch.js";
import { printable } from "./printable.js";
import { createProgress } from "./progress.js";
import { summaryText } from "./summary-text.js";

export interface DeliveryRun {
  io: Io;
  values: DeliveryValues;
  settings: DeliverySettings;
  target: string;
  key: string | undefined;
  journal: Journal;
  journalPath: string;
  plan: RecordedPlan;
  /** The seed and end of a generated run, reported so the run can be replayed exactly. */
  replay?: { seed: string; now: number };
}

/**
 * Sends recorded deliveries with progress, `--verbose` lines and the summary; returns the exit code.
 * When the journal cannot be written, sending stops at once and, after the summary, the journal's
 * error is thrown.
 */
export async function runDeliveries(run: DeliveryRun): Promise<number> {
  const { io, values, settings, target, journal, plan } = run;
  const summary = createSummary();
  const progress = createProgress(io.stderr, plan.total);
  // With --json, stdout holds only the summary: per-event lines go to stderr.
  const lines = values.json ? io.stderr : io.stdout;
  const { concurrency, rate, ...delivererSettings } = settings;
  const deliverer = createDeliverer({
    target,
    callbackKey: run.key,
    ...delivererSettings,
    journal,
    ...injectedFetch(io),
    onAttempt: (attempt) => summary.addAttempt(attempt),
  });
  const stop = new AbortController();
  void io.interrupted.then(async () => {
    stop.abort();
    await write(io.stderr, "\nstopping: waiting for the deliveries in flight; the rest stays pending for --resume\n");
  });
  let verboseOutput = Promise.resolve();
  const tally = { done: 0, delivered: 0, failed: 0, startedAt: performance.now() };
  const hints = deliveryHints();
  const onOutcome = (outcome: DeliveryOutcome) => {
    summary.addOutcome(outcome);
    hints.add(outcome);
    tally.done += 1;
    if (outcome.status === "delivered") tally.delivered += 1;
    if (outcome.status === "failed") tally.failed += 1;
    const eventsPerSecond = (tally.done * 1000) / Math.max(1, performance.now() - tally.startedAt);
    progress.update({ done: tally.done, delivered: tally.delivered, failed: tally.failed, eventsPerSecond });
    if (values.verbose) verboseOutput = verboseOutput.then(() => write(lines, outcomeLine(outcome)));
  };
  // A journal write that fails stops the sends at once: no send starts that the journal could not record.
  const signal = AbortSignal.any([stop.signal, journal.writeFailed]);
  // Answers are committed in groups of the concurrency: a kill loses at most that many, besides those in flight.
  journal.groupCommits(concurrency);
  await dispatch(plan.deliveries, { deliverer, concurrency, rate, signal, onOutcome });
  await deliverer.close().catch((error: unknown) => {
    // The same failure again: told below, once the summary says what was sent.
    if (!journal.writeFailed.aborted) throw error;
  });
  await verboseOutput;
  progress.finish();
  const result = summary.result();
  const pendingLeft = plan.recordedCount() - result.sent + result.pending;
  const planComplete = plan.complete();
  if (values.json) {
    await write(io.stdout, JSON.stringify({ target, journal: run.journalPath, ...run.replay, ...result, pending: pendingLeft, planComplete }) + "\n");
  } else {
    await write(io.stdout, summaryText(result, target, run.journalPath, { pending: pendingLeft, planComplete }, run.key !== undefined));
  }
  await write(io.stderr, hints.lines());
  if (journal.writeFailed.aborted) throw journal.writeFailed.reason;
  return planComplete && summaryPassed({ ...result, pending: pendingLeft }) ? 0 : 1;
}

function outcomeLine(outcome: DeliveryOutcome): string {
  const answer = outcome.statusCode ?? outcome.error ?? "-";
  const extras = [outcome.fault && `[${outcome.fault}]`, outcome.attempts > 1 && `${outcome.attempts} attempts`, outcome.statusCode !== undefined && outcome.error].filter(Boolean);
  // OpenSSL's messages span lines: escaped, each outcome stays one line.
  return printable(`${outcome.status.padEnd(15)} ${String(answer).padEnd(3)} ${outcome.eventType.padEnd(21)} ${outcome.taskId} ${outcome.eventId} ${outcome.latencyMs.toFixed(1)} ms${extras.length ? ` ${extras.join(" ")}` : ""}`) + "\n";
}
