import { existsSync } from "node:fs";
import { connect } from "node:net";
import { defaultSdkAppId, freshSeed, generate } from "../../generate/generate.js";
import { defaultExpireWindowSeconds, unixSeconds } from "../../tiw/time-rules.js";
import { createRandom } from "../../generate/random.js";
import { validateEvent } from "../../spec/validation.js";
import type { WhiteboardPushEvent } from "../../tiw/events.js";
import { chaosKinds, defaultMaxDelayMs, parseChaos, planDeliveries, type ChaosRates, type PlannedDelivery } from "../../delivery/chaos.js";
import { createDeliverer, defaultTimeoutMs, describeError, type DeliveryOutcome } from "../../delivery/deliverer.js";
import { forgedFaults } from "../../delivery/faults.js";
import { defaultConcurrency, dispatch } from "../../delivery/dispatch.js";
import { openJournal, type Journal, type JournalEvent } from "../../store/index.js";
import { plannedFromJournal, recordPlan } from "../../delivery/record-plan.js";
import { defaultRetryPolicy } from "../../delivery/retry-policy.js";
import { createSummary, summaryPassed, type DeliverySummary } from "../../delivery/summary.js";
import { callbackKeyOption, defineCommand, httpUrlValue, intValue, jsonOption, requireValue, sdkAppIdOption, sdkAppIdValue, UsageError, write, type Io, type Values } from "../shared/command.js";
import { scenarioValue } from "./generate.js";
import { readSource, splitRecords } from "../shared/input.js";
import { createProgress } from "../shared/progress.js";

export const defaultJournalPath = ".tiw-push-kit/journal.db";

/** Flags shared by every command that delivers: `emit`, `resend`. */
export const deliveryOptions = {
  target: { type: "string", valueName: "URL", description: "Callback URL of your receiver (http or https)" },
  key: { ...callbackKeyOption, description: "Callback key: every send is signed with ExpireTime = send time + --expire-window" },
  "expire-window": { type: "string", valueName: "SECONDS", description: "ExpireTime minus the send time (wall clock)", defaultText: String(defaultExpireWindowSeconds) },
  concurrency: { type: "string", short: "c", valueName: "N", description: "Deliveries in flight at once (different tasks)", defaultText: String(defaultConcurrency) },
  rate: { type: "string", valueName: "EVENTS_PER_SECOND", description: "Send at most this many events per second", defaultText: "unlimited" },
  timeout: { type: "string", valueName: "MS", description: "Timeout of one attempt", defaultText: String(defaultTimeoutMs) },
  retries: { type: "string", valueName: "N", description: "Retries of a valid event after a timeout, connection error or non-200", defaultText: String(defaultRetryPolicy.retries) },
  backoff: { type: "string", valueName: "MS", description: "Wait before the first retry; grows x2 per retry, with jitter", defaultText: String(defaultRetryPolicy.initialBackoffMs) },
  "backoff-max": { type: "string", valueName: "MS", description: "Longest wait between retries", defaultText: String(defaultRetryPolicy.maxBackoffMs) },
  journal: { type: "string", valueName: "PATH", description: "SQLite journal of every event and attempt", defaultText: defaultJournalPath },
  verbose: { type: "boolean", short: "v", description: "Print one line per event" },
  json: { ...jsonOption, description: "Print the summary as one JSON object on stdout" },
} as const;

export const retryPolicyText = [
  "Success is HTTP 200, as TIW defines it. Tencent does not document TIW's retry policy (nor timeouts,",
  "ordering or duplicates); this kit retries timeouts, connection errors and non-200 answers with",
  "exponential backoff and jitter, configurable with --retries, --backoff, --backoff-max and --timeout.",
].join("\n");

export const emitCommand = defineCommand({
  name: "emit",
  summary: "Deliver signed Started/Stopped sequences to your receiver, with retries and fault injection",
  usage: "emit --target URL [--scenario S] [--count N] [--seed S] [--key KEY] [--chaos KIND=P,...] [--from FILE|-] [--resume]",
  description: [
    "Per task, WhiteboardPushStopped is sent only after its WhiteboardPushStarted was answered (unless",
    "--chaos reorder); different tasks go in parallel (--concurrency, --rate). ExpireTime and Sign are",
    "computed when an event is sent, and again at every retry, on the wall clock; Timestamp stays when the",
    "event happened. A generated run is a history that has just happened: its last event is stamped at the",
    "start of delivery (or --now), the others earlier, so no event arrives from the future or expired.",
    retryPolicyText,
    "",
    "--chaos injects faults, each with its own probability:",
    `  ${chaosKinds.filter((kind) => !(forgedFaults as readonly string[]).includes(kind)).join(", ")}, and the forgeries ${forgedFaults.join(", ")},`,
    "  sent as extra copies next to the real events; a correct receiver rejects every forgery.",
    "Every event and attempt is journaled; after Ctrl-C or a crash, --resume sends what was pending.",
    "Exit 0 when every valid event was delivered and no forgery was accepted, 1 otherwise.",
  ].join("\n"),
  options: {
    ...deliveryOptions,
    scenario: { type: "string", valueName: "NAME", description: "Ending of each task: user-call, auto, exception or mixed", defaultText: "mixed" },
    count: { type: "string", short: "n", valueName: "N", description: "Number of push tasks (two events each)", defaultText: "10" },
    seed: { type: "string", valueName: "S", description: "Seed of the generated events and of the faults; the same seed and --now replay a run", defaultText: "a fresh one, printed" },
    "sdk-app-id": { ...sdkAppIdOption, defaultText: String(defaultSdkAppId) },
    now: { type: "string", valueName: "UNIX", description: "Unix seconds at which the generated history ends (its last Timestamp)", defaultText: "the current time" },
    chaos: { type: "string", valueName: "KIND=P,...", description: "Fault probabilities, e.g. duplicate=0.1,reorder=0.1,bad-sign=0.05" },
    "max-delay": { type: "string", valueName: "MS", description: "Longest delay injected by --chaos delay", defaultText: String(defaultMaxDelayMs) },
    from: { type: "string", valueName: "FILE", description: "Send these bodies (JSON or JSON Lines, - for stdin) instead of generated ones" },
    "keep-sign": { type: "boolean", description: "With --from: send ExpireTime and Sign as they are instead of re-signing" },
    resume: { type: "boolean", description: "Send the events the journal holds as pending (after Ctrl-C or a crash)" },
  },
  examples: [
    "tiw-push-kit emit --target http://127.0.0.1:4020/callback --key my-key --count 100 --concurrency 16",
    "tiw-push-kit emit --target http://127.0.0.1:4020/callback --key my-key --chaos duplicate=0.1,reorder=0.1,bad-sign=0.05",
    "tiw-push-kit generate --count 5 | tiw-push-kit emit --target http://127.0.0.1:4020/callback --key my-key --from -",
    "tiw-push-kit emit --resume --key my-key",
  ],
  async run({ values, io }) {
    const settings = deliverySettings(values);
    const key = values.key;
    const journalPath = values.journal ?? defaultJournalPath;
    if (values.resume) {
      const conflicting = (["from", "count", "scenario", "seed", "chaos", "now", "keep-sign"] as const).find((flag) => values[flag] !== undefined);
      if (conflicting) throw new UsageError(`--resume sends what the journal holds; it cannot be combined with --${conflicting}`);
      const journal = openExistingJournal(journalPath);
      try {
        const pending = journal.listEvents({ status: "pending" });
        if (pending.length === 0) {
          await write(io.stderr, `nothing pending in ${journalPath}\n`);
          return 0;
        }
        const target = targetOf(pending, values.target);
        requireKeyFor(pending, key);
        await checkReachable(target, settings.timeoutMs);
        return await runDeliveries({ io, values, settings, target, key, journal, journalPath, planned: pending.map(plannedFromJournal) });
      } finally {
        journal.close();
      }
    }

    const target = requireValue("target", values.target, "the callback URL of your receiver, e.g. http://127.0.0.1:4020/callback");
    httpUrlValue("target", target);
    const chaos = chaosFlag(values.chaos);
    if (key === undefined && (chaos["bad-sign"] || chaos.expired)) throw new UsageError("--chaos bad-sign and expired need --key (or TIW_CALLBACK_KEY)");
    if (values["keep-sign"] && values.from === undefined) throw new UsageError("--keep-sign applies to bodies given with --from");
    const scenario = scenarioValue(values.scenario);
    const seed = values.seed ?? freshSeed();
    const now = intValue("now", values.now, { min: 0 }) ?? unixSeconds(Date.now());
    if (values.seed === undefined && values.from === undefined) await write(io.stderr, `seed ${seed} (replay this run with --seed ${seed} --now ${now})\n`);
    const events = async () =>
      values.from
        ? eventsFrom(values.from, io)
        : generate({
            scenario,
            count: intValue("count", values.count, { min: 0, max: 10_000_000 }) ?? 10,
            seed,
            // Unsigned: the deliverer signs every send with a fresh ExpireTime, so a signature made now would be
            // computed, journaled and then replaced for nothing.
            sdkAppId: sdkAppIdValue(values["sdk-app-id"]),
            now,
          });
    // Not kept in a variable: once planned, the generated events are garbage.
    const planned = planDeliveries(await events(), {
      chaos,
      random: createRandom(`${seed}:chaos`),
      maxDelayMs: intValue("max-delay", values["max-delay"], { min: 1 }),
      keepSign: values["keep-sign"] === true,
      source: values.from === undefined ? "generate" : values.from === "-" ? "stdin" : values.from,
    });
    await checkReachable(target, settings.timeoutMs);
    const journal = openJournal(journalPath);
    try {
      const recorded = recordPlan(journal, planned, { target, hasKey: key !== undefined });
      return await runDeliveries({ io, values, settings, target, key, journal, journalPath, planned: recorded, ...(values.from === undefined ? { replay: { seed, now } } : {}) });
    } finally {
      journal.close();
    }
  },
});

type DeliveryValues = Values<typeof deliveryOptions>;

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

/** `--rate` checked: events per second, fractions allowed. */
export function rateFlag(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const rate = Number(raw);
  if (!(rate > 0 && Number.isFinite(rate))) throw new UsageError(`--rate must be a number of events per second > 0, got '${raw}'`);
  return rate;
}

/** `--chaos` checked, as rates; a bad one is a usage error. */
export function chaosFlag(text: string | undefined): ChaosRates {
  try {
    return text === undefined ? {} : parseChaos(text);
  } catch (error) {
    throw new UsageError(`--chaos: ${(error as Error).message.replace(/^tiw-push-kit: /, "")}`);
  }
}

/** Opens the journal `log`, `resend` and `--resume` read; a missing one is a usage error, not an empty journal. */
export function openExistingJournal(path: string): Journal {
  if (path !== ":memory:" && !existsSync(path)) throw new UsageError(`no journal at ${path}: run emit first, or pass --journal PATH`);
  return openJournal(path);
}

/** Where journaled events are re-sent: `--target`, else the one URL they were sent to. */
export function targetOf(events: readonly JournalEvent[], flag: string | undefined): string {
  if (flag !== undefined) return httpUrlValue("target", flag);
  const targets = [...new Set(events.map((event) => event.target))];
  const [only] = targets;
  if (targets.length !== 1 || only === undefined || only === "in-process") {
    throw new UsageError(`these events went to ${targets.join(", ")}; pass --target URL`);
  }
  return only;
}

/** The key is never stored: events that were signed need it again to be re-signed. */
export function requireKeyFor(events: readonly JournalEvent[], key: string | undefined): void {
  if (key === undefined && events.some((event) => event.signed)) {
    throw new UsageError("these events are sent signed: pass --key (or set TIW_CALLBACK_KEY)");
  }
}

/**
 * A clear one-line error for an unreachable target before anything is recorded, instead of a
 * run of retries. Only opens a TCP connection: the receiver sees no request.
 */
export async function checkReachable(target: string, timeoutMs: number): Promise<void> {
  const url = new URL(target);
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const fail = (reason: string) => {
      socket.destroy();
      reject(new Error(`tiw-push-kit: cannot reach ${url.origin}: ${reason}`));
    };
    socket.once("connect", () => {
      socket.end();
      resolve();
    });
    socket.once("timeout", () => fail(`no connection within ${timeoutMs} ms`));
    socket.once("error", (error) => fail(describeError(error)));
  });
}

/** Callback bodies from a file or stdin; each must be a body the spec accepts. */
async function eventsFrom(source: string, io: Io): Promise<WhiteboardPushEvent[]> {
  const records = splitRecords(await readSource(source, io), source === "-" ? "stdin" : source);
  if (records.length === 0) throw new UsageError(`no callback bodies in ${source === "-" ? "standard input" : source}`);
  return records.map(({ location, raw, parseError }) => {
    if (parseError !== undefined) throw new UsageError(`${location} is not valid JSON: ${parseError}`);
    const checked = validateEvent(JSON.parse(raw));
    if (!checked.ok) {
      const [first] = checked.issues;
      throw new UsageError(`${location} is not a callback body (${first?.pointer || "/"} ${first?.message}); check it with 'tiw-push-kit validate'`);
    }
    return checked.event;
  });
}

/** Passes `io.fetch` on only when a test injected one: the deliverer's own HTTP client is faster than the global fetch. */
export function injectedFetch(io: Io): { fetch?: typeof fetch } {
  return io.fetch === globalThis.fetch ? {} : { fetch: io.fetch };
}

export interface DeliveryRun {
  io: Io;
  values: DeliveryValues;
  settings: DeliverySettings;
  target: string;
  key: string | undefined;
  journal: Journal;
  journalPath: string;
  planned: PlannedDelivery[];
  /** The seed and end of a generated run, reported so the run can be replayed exactly. */
  replay?: { seed: string; now: number };
}

/** Sends recorded deliveries with progress, `--verbose` lines and the summary; returns the exit code. */
export async function runDeliveries(run: DeliveryRun): Promise<number> {
  const { io, values, settings, target, journal, planned } = run;
  const summary = createSummary();
  const progress = createProgress(io.stderr, planned.length);
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
  const onOutcome = (outcome: DeliveryOutcome) => {
    summary.addOutcome(outcome);
    tally.done += 1;
    if (outcome.status === "delivered") tally.delivered += 1;
    if (outcome.status === "failed") tally.failed += 1;
    const eventsPerSecond = (tally.done * 1000) / Math.max(1, performance.now() - tally.startedAt);
    progress.update({ done: tally.done, delivered: tally.delivered, failed: tally.failed, eventsPerSecond });
    if (values.verbose) verboseOutput = verboseOutput.then(() => write(lines, outcomeLine(outcome)));
  };
  await dispatch(planned, { deliverer, concurrency, rate, signal: stop.signal, onOutcome });
  await deliverer.close();
  await verboseOutput;
  progress.finish();
  const result = summary.result();
  const pendingLeft = planned.length - result.sent + result.pending;
  if (values.json) {
    await write(io.stdout, JSON.stringify({ target, journal: run.journalPath, ...run.replay, ...result, pending: pendingLeft }) + "\n");
  } else {
    await write(io.stdout, summaryText(result, target, run.journalPath, pendingLeft));
  }
  return summaryPassed({ ...result, pending: pendingLeft }) ? 0 : 1;
}

function outcomeLine(outcome: DeliveryOutcome): string {
  const answer = outcome.statusCode ?? outcome.error ?? "-";
  const extras = [outcome.fault && `[${outcome.fault}]`, outcome.attempts > 1 && `${outcome.attempts} attempts`, outcome.statusCode !== undefined && outcome.error].filter(Boolean);
  return `${outcome.status.padEnd(15)} ${String(answer).padEnd(3)} ${outcome.eventType.padEnd(21)} ${outcome.taskId} ${outcome.eventId} ${outcome.latencyMs.toFixed(1)} ms${extras.length ? ` ${extras.join(" ")}` : ""}\n`;
}

function summaryText(result: DeliverySummary, target: string, journalPath: string, pending: number): string {
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
    ...(pending ? [`pending: ${pending}, send them with: tiw-push-kit emit --resume${journalPath === defaultJournalPath ? "" : ` --journal ${journalPath}`}`] : []),
    `journal: ${journalPath}`,
  ];
  return lines.join("\n") + "\n";
}
