import type { JournalEvent } from "../../store/index.js";
import { defineCommand, UsageError } from "../shared/command.js";
import { defaultJournalPath } from "../shared/default-journal-paths.js";
import { deliveryOptions } from "../shared/delivery-options.js";
import { deliverySettings } from "../shared/delivery-settings.js";
import { selectionMatching, selectionOf } from "../shared/event-selection.js";
import { resendFromJournal } from "../shared/resend-from-journal.js";
import { retryPolicyText } from "../shared/retry-policy-text.js";

export const resendCommand = defineCommand({
  usage: "resend (EVENT_ID... | --failed) [--target URL] [--key KEY] [--journal PATH] [--json]",
  description: [
    "Re-delivers events recorded by emit (ids from `tiw-push-kit log`), like `stripe events resend`: to",
    "--target, or to the URL they were first sent to. Signed events are signed again with a fresh",
    "ExpireTime, so --key (or TIW_CALLBACK_KEY) is needed; a forgery is re-sent as the same forgery.",
    retryPolicyText,
    "An event whose journaled body is damaged is reported by its id and skipped.",
    "Exit 0 when every valid event was delivered and no forgery was accepted, 1 otherwise, 2 on bad usage, an",
    "unreachable target or a journal that cannot be used (in use by another process, damaged, not writable).",
  ].join("\n"),
  maxPositionals: Number.MAX_SAFE_INTEGER,
  options: {
    ...deliveryOptions,
    target: { ...deliveryOptions.target, description: "Callback URL to send to", defaultText: "the URL each event was first sent to" },
    failed: { type: "boolean", description: "Re-deliver every event whose delivery failed" },
  },
  examples: ["tiw-push-kit resend evt_1a2b3c4d_17 --key my-key", "tiw-push-kit resend --failed --target http://127.0.0.1:4020/callback --key my-key"],
  async run({ values, positionals, io }) {
    if (values.failed && positionals.length > 0) throw new UsageError("give event ids or --failed, not both");
    if (!values.failed && positionals.length === 0) throw new UsageError("give the ids of the events to resend (see `tiw-push-kit log`), or --failed");
    const settings = deliverySettings(values);
    const journalPath = values.journal ?? defaultJournalPath;
    return resendFromJournal({
      io,
      values,
      settings,
      key: values.key,
      journalPath,
      select: (journal) => (values.failed ? selectionMatching(journal, { status: "failed" }) : selectionOf(eventsById(positionals, (id) => journal.getEvent(id)))),
      nothingText: `no failed events in ${journalPath}`,
    });
  },
});

function eventsById(ids: readonly string[], find: (id: string) => JournalEvent | undefined): JournalEvent[] {
  const found = ids.map((id) => [id, find(id)] as const);
  const unknown = found.filter(([, event]) => event === undefined).map(([id]) => id);
  if (unknown.length) throw new UsageError(`no event ${unknown.join(", ")} in the journal (see \`tiw-push-kit log\`)`);
  return found.flatMap(([, event]) => (event ? [event] : []));
}
