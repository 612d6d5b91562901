import { eventStatuses, type EventFilter, type EventStatus, type JournalEvent } from "../../store/index.js";
import { defineCommand, intValue, jsonOption, UsageError, write } from "../shared/command.js";
import { defaultJournalPath } from "../shared/default-journal-paths.js";
import { printable } from "../shared/printable.js";
import { withJournal } from "../shared/with-journal.js";

const defaultLimit = 100;

export const logCommand = defineCommand({
  usage: "log [--failed] [--task ID] [--status S] [--limit N] [--attempts] [--journal PATH] [--json]",
  description: [
    "One line per event, oldest first: journal order, creation time, status, last HTTP status (or",
    "error), attempts, event type, TaskId and event id. Event ids are what `resend` takes.",
    `Statuses: ${eventStatuses.join(", ")}.`,
    "Only reads: it works while emit writes the journal.",
  ].join("\n"),
  options: {
    failed: { type: "boolean", description: "Only events whose delivery failed (same as --status failed)" },
    task: { type: "string", valueName: "ID", description: "Only the events of this TaskId" },
    status: { type: "string", valueName: "S", description: "Only events with this status" },
    limit: { type: "string", valueName: "N", description: "Show the newest N events", defaultText: String(defaultLimit) },
    attempts: { type: "boolean", description: "Also list every attempt of each event" },
    journal: { type: "string", valueName: "PATH", description: "The journal to read", defaultText: defaultJournalPath },
    json: { ...jsonOption, description: "Print a JSON array of events, each with its attempts under `history`" },
  },
  examples: ["tiw-push-kit log --failed", "tiw-push-kit log --task bj0mt2l23osdj300hl30 --attempts", "tiw-push-kit log --json --limit 10"],
  async run({ values, io }) {
    if (values.failed && values.status !== undefined) throw new UsageError("--failed and --status cannot be combined");
    const status = values.failed ? "failed" : values.status;
    if (status !== undefined && !(eventStatuses as readonly string[]).includes(status)) {
      throw new UsageError(`--status must be one of ${eventStatuses.join(", ")}, got '${status}'`);
    }
    const filter: EventFilter = {
      limit: intValue("limit", values.limit, { min: 1 }) ?? defaultLimit,
      ...(status !== undefined ? { status: status as EventStatus } : {}),
      ...(values.task !== undefined ? { taskId: values.task } : {}),
    };
    return withJournal(values.journal ?? defaultJournalPath, io, { readOnly: true, existing: true }, async (journal) => {
      const events = journal.listEvents(filter);
      if (values.json) {
        const withAttempts = events.map((event) => ({ ...event, history: journal.listAttempts(event.id) }));
        await write(io.stdout, JSON.stringify(withAttempts) + "\n");
        return 0;
      }
      for (const event of events) {
        await write(io.stdout, eventLine(event));
        if (!values.attempts) continue;
        for (const attempt of journal.listAttempts(event.id)) {
          const answer = attempt.statusCode ?? attempt.error ?? "-";
          const snippet = attempt.responseSnippet ? `  ${attempt.responseSnippet.replace(/\s+/g, " ").slice(0, 80)}` : "";
          await write(io.stdout, printable(`    #${attempt.attempt} ${new Date(attempt.at).toISOString()} ${answer} ${attempt.latencyMs.toFixed(1)} ms${snippet}`) + "\n");
        }
      }
      if (events.length === 0) await write(io.stderr, "no matching events\n");
      return 0;
    });
  },
});

function eventLine(event: JournalEvent): string {
  const answer = String(event.lastStatusCode ?? (event.lastError ? "err" : "-"));
  const notes = [event.fault && `[${event.fault}]`, event.lastStatusCode === undefined && event.lastError].filter(Boolean).join(" ");
  return printable([
    String(event.seq).padStart(6),
    new Date(event.createdAt).toISOString(),
    event.status.padEnd(15),
    answer.padEnd(3),
    `x${event.attempts}`.padEnd(4),
    event.eventType.padEnd(21),
    event.taskId,
    event.id,
    ...(notes ? [notes] : []),
  ].join("  ")) + "\n";
}
