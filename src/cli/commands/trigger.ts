import { createDeliverer, type DeliveryOutcome } from "../../delivery/deliverer.js";
import { taskEvents, type TaskOverrides } from "../../generate/task-events.js";
import { validateEvent } from "../../spec/validation.js";
import { openJournal } from "../../store/index.js";
import { defaultSdkAppId } from "../../tiw/defaults.js";
import type { FinishReason, WhiteboardPushEvent } from "../../tiw/events.js";
import { defineCommand, httpUrlValue, intValue, jsonOption, requireValue, sdkAppIdOption, sdkAppIdValue, UsageError, write } from "../shared/command.js";
import { defaultJournalPath } from "../shared/default-journal-paths.js";
import { deliverySettings } from "../shared/delivery-settings.js";
import { deliveryOptions } from "../shared/delivery-options.js";
import { deliveryHints } from "../shared/delivery-hints.js";
import { injectedFetch } from "../shared/injected-fetch.js";
import { printable } from "../shared/printable.js";

const kinds = ["started", "stopped", "sequence"] as const;
const finishReasons: readonly FinishReason[] = ["USER_CALL", "AUTO", "EXCEPTION"];

export const triggerCommand = defineCommand({
  usage: "trigger started|stopped|sequence --target URL [--key KEY] [--task-id T] [--room-id R] [--finish-reason R] [--error-code C] ... [--dry-run]",
  description: [
    "Builds one push task as `generate` does and sets the fields you give; the rest stays realistic and",
    "consistent (GroupId and PushUserId follow --room-id, Timestamps follow the push times, the task has just",
    "ended). `started` sends its WhiteboardPushStarted, `stopped` its WhiteboardPushStopped, `sequence` both",
    "in order. Signed at sending like every delivery (--key), journaled (`log`, `resend` see it), retried",
    "per --profile. --dry-run prints the bodies (unsigned, as JSON Lines) instead of sending them.",
  ].join("\n"),
  maxPositionals: 1,
  options: {
    ...deliveryOptions,
    "task-id": { type: "string", valueName: "ID", description: "TaskId", defaultText: "20 random [a-z0-9]" },
    "room-id": { type: "string", valueName: "N", description: "RoomId; GroupId and PushUserId follow it unless given" },
    "push-user-id": { type: "string", valueName: "ID", description: "PushUserId", defaultText: "tic_push_user_<RoomId>_<suffix>" },
    "group-id": { type: "string", valueName: "ID", description: "GroupId", defaultText: "the decimal RoomId" },
    "finish-reason": { type: "string", valueName: "R", description: `FinishReason: ${finishReasons.join(", ")}`, defaultText: "USER_CALL" },
    "error-code": { type: "string", valueName: "CODE", description: "Error.Code (with EXCEPTION), e.g. FailedOperation.WhiteboardPush", defaultText: "a realistic one" },
    "error-message": { type: "string", valueName: "TEXT", description: "Error.Message (with EXCEPTION)", defaultText: "a realistic one" },
    "exception-cnt": { type: "string", valueName: "N", description: "ExceptionCnt" },
    "push-start-time": { type: "string", valueName: "UNIX", description: "PushStartTime (and the Started's Timestamp)" },
    "push-stop-time": { type: "string", valueName: "UNIX", description: "PushStopTime (and the Stopped's Timestamp)", defaultText: "now" },
    "auto-stop-timeout": { type: "string", valueName: "SECONDS", description: "The task's AutoStopTimeout: an AUTO task lasts at least this long", defaultText: "1800" },
    "sdk-app-id": { ...sdkAppIdOption, defaultText: String(defaultSdkAppId) },
    seed: { type: "string", valueName: "S", description: "Seed of the generated fields", defaultText: "a fresh one" },
    "dry-run": { type: "boolean", description: "Print the bodies instead of sending them" },
    json: { ...jsonOption, description: "Print one JSON object per callback sent (its outcome) on stdout" },
  },
  examples: [
    "tiw-push-kit trigger stopped --finish-reason EXCEPTION --error-code FailedOperation.WhiteboardPush --task-id T --room-id 1253 --target http://127.0.0.1:3000/tiw --key my-key",
    "tiw-push-kit trigger sequence --finish-reason AUTO --target http://127.0.0.1:3000/tiw --key my-key",
    "tiw-push-kit trigger started --room-id 1253 --dry-run",
  ],
  async run({ values, positionals, io }) {
    const kind = positionals[0] ?? "sequence";
    if (!(kinds as readonly string[]).includes(kind)) throw new UsageError(`trigger takes one of ${kinds.join(", ")}, got '${kind}'`);
    const finishReason = values["finish-reason"] ?? "USER_CALL";
    if (!(finishReasons as readonly string[]).includes(finishReason)) throw new UsageError(`--finish-reason must be one of ${finishReasons.join(", ")}, got '${finishReason}'`);
    const whole = (name: string, raw: string | undefined, min = 0) => intValue(name, raw, { min });
    const overrides: TaskOverrides = {
      finishReason: finishReason as FinishReason,
      ...definedOnly({
        taskId: values["task-id"],
        roomId: whole("room-id", values["room-id"], 1),
        pushUserId: values["push-user-id"],
        groupId: values["group-id"],
        errorCode: values["error-code"],
        errorMessage: values["error-message"],
        exceptionCnt: whole("exception-cnt", values["exception-cnt"]),
        pushStartTime: whole("push-start-time", values["push-start-time"]),
        pushStopTime: whole("push-stop-time", values["push-stop-time"]),
        sdkAppId: sdkAppIdValue(values["sdk-app-id"]),
        autoStopTimeout: whole("auto-stop-timeout", values["auto-stop-timeout"], 300),
      }),
    };
    let task;
    try {
      task = taskEvents(overrides, values.seed === undefined ? {} : { seed: values.seed });
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(error.message.replace(/^tiw-push-kit: /, ""));
      throw error;
    }
    const events: WhiteboardPushEvent[] = kind === "started" ? [task.started] : kind === "stopped" ? [task.stopped] : [task.started, task.stopped];
    for (const event of events) {
      const checked = validateEvent(event);
      if (!checked.ok) throw new UsageError(`the ${event.EventType} would break the spec: ${checked.issues[0]?.pointer || "/"} ${checked.issues[0]?.message}`);
    }
    if (values["dry-run"]) {
      await write(io.stdout, events.map((event) => JSON.stringify(event)).join("\n") + "\n");
      return 0;
    }

    const url = httpUrlValue("target", requireValue("target", values.target, "the callback URL of your receiver (or --dry-run)"));
    // One task, in order: concurrency and rate have nothing to spread.
    const settings = deliverySettings(values);
    const store = openJournal(values.journal ?? defaultJournalPath);
    const deliverer = createDeliverer({ target: url, ...(values.key !== undefined ? { callbackKey: values.key } : {}), ...settings, journal: store, ...injectedFetch(io) });
    const outcomes: DeliveryOutcome[] = [];
    try {
      // In order: a task's Stopped only after its Started was answered, as TIW sends them.
      for (const event of events) outcomes.push(await deliverer.deliver(event, { source: "trigger" }));
    } finally {
      await deliverer.close();
      store.close();
    }
    const hints = deliveryHints();
    for (const outcome of outcomes) {
      hints.add(outcome);
      const line = values.json
        ? JSON.stringify(outcome)
        : printable(`${outcome.status} ${outcome.statusCode ?? outcome.error ?? "-"} ${outcome.eventType} ${outcome.taskId} (${outcome.attempts} attempt${outcome.attempts === 1 ? "" : "s"})`);
      await write(io.stdout, line + "\n");
    }
    await write(io.stderr, hints.lines());
    return outcomes.every((outcome) => outcome.status === "delivered") ? 0 : 1;
  },
});

/** The entries whose value is set: optional fields are left out rather than set to undefined. */
function definedOnly<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}
