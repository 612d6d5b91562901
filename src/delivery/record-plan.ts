import { randomUUID } from "node:crypto";
import type { WhiteboardPushEvent } from "../tiw/events.js";
import type { PlannedDelivery } from "./chaos.js";
import type { Fault } from "./faults.js";
import type { Journal, JournalEvent, NewJournalEvent } from "../store/index.js";

export interface RecordPlanOptions {
  /** The callback URL, kept so that `resend` and `--resume` know where it went. */
  target: string;
  /** Whether a callback key signs the sends (the key itself is never stored). */
  hasKey: boolean;
  now?: () => number;
  /** The run the plan is for, begun with `journal.beginRun` (default: a new run, recorded with its plan). */
  runId?: string;
}

/** A new run's id: a random prefix its events' ids share. */
export function newRunId(): string {
  return `evt_${randomUUID().slice(0, 8)}`;
}

/**
 * Gives every planned delivery an event id and records them all as pending, with their run, in one
 * transaction that is durable on return: the journal holds the whole plan before anything of it is
 * sent, or none of it. A run killed at any later point can be resumed.
 */
export function recordPlan(journal: Journal, planned: readonly PlannedDelivery[], options: RecordPlanOptions): PlannedDelivery[] {
  const createdAt = (options.now ?? Date.now)();
  const context = { target: options.target, hasKey: options.hasKey, createdAt };
  // The run id and a zero-padded counter: unique across runs, and in insertion order, so the
  // journal's indexes grow at their end instead of being rewritten all over.
  const runId = options.runId ?? newRunId();
  const digits = Math.max(6, String(planned.length).length);
  const withIds: PlannedDelivery[] = [];
  // Made one by one as they are recorded, so that the journal rows of a large plan never all sit in memory.
  function* entries(): Generator<NewJournalEvent> {
    for (const [index, delivery] of planned.entries()) {
      const eventId = delivery.eventId ?? `${runId}_${String(index + 1).padStart(digits, "0")}`;
      withIds.push({ ...delivery, eventId });
      yield journalEntry(eventId, delivery, context);
    }
  }
  journal.addRunPlan({ id: runId, createdAt }, entries());
  return withIds;
}

/** The journal's record of a delivery before its first attempt; the key itself is never stored. */
export function journalEntry(
  id: string,
  delivery: Pick<PlannedDelivery, "event" | "fault" | "keepSign" | "source">,
  context: { target: string; hasKey: boolean; createdAt: number },
): NewJournalEvent {
  return {
    id,
    taskId: delivery.event.EventData.TaskId,
    eventType: delivery.event.EventType,
    body: JSON.stringify(delivery.event),
    target: context.target,
    signed: signsAtSend(context.hasKey, delivery),
    keepSign: delivery.keepSign ?? false,
    ...(delivery.fault ? { fault: delivery.fault } : {}),
    ...(delivery.source ? { source: delivery.source } : {}),
    createdAt: context.createdAt,
  };
}

/** Whether the kit computes `Sign` when sending: with a key, unless the body is kept as given (faults always re-sign). */
function signsAtSend(hasKey: boolean, delivery: { keepSign?: boolean; fault?: Fault }): boolean {
  return hasKey && (!delivery.keepSign || delivery.fault !== undefined);
}

/**
 * A journaled event as a planned delivery again, for `resend` and `--resume`. Throws a one-line
 * error naming the event when its body is not JSON or not a callback (a damaged row).
 */
export function plannedFromJournal(event: JournalEvent): PlannedDelivery {
  let body: unknown;
  try {
    body = JSON.parse(event.body);
  } catch (error) {
    throw new Error(`tiw-push-kit: event ${event.id} in the journal cannot be sent: its body is not JSON (${(error as Error).message})`, { cause: error });
  }
  if (!isCallbackShaped(body)) throw new Error(`tiw-push-kit: event ${event.id} in the journal cannot be sent: its body is not a callback body (no EventType, or no EventData.TaskId)`);
  return {
    event: body,
    eventId: event.id,
    ...(event.fault ? { fault: event.fault } : {}),
    ...(event.keepSign ? { keepSign: true } : {}),
    ...(event.source ? { source: event.source } : {}),
  };
}

/** What sending needs of a body: its type, and the task that orders it. The kit recorded it whole; a row changed since may not be. */
function isCallbackShaped(body: unknown): body is WhiteboardPushEvent {
  if (typeof body !== "object" || body === null) return false;
  const { EventType, EventData } = body as { EventType?: unknown; EventData?: { TaskId?: unknown } | null };
  return typeof EventType === "string" && typeof EventData === "object" && EventData !== null && typeof EventData.TaskId === "string";
}
