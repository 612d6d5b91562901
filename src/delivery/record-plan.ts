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
}

/**
 * Gives every planned delivery an event id and records them all as pending, in a few large
 * transactions that are durable on return: a run killed at any later point can be resumed.
 */
export function recordPlan(journal: Journal, planned: readonly PlannedDelivery[], options: RecordPlanOptions): PlannedDelivery[] {
  const context = { target: options.target, hasKey: options.hasKey, createdAt: (options.now ?? Date.now)() };
  // One random run prefix and a zero-padded counter: unique across runs, and in insertion order,
  // so the journal's indexes grow at their end instead of being rewritten all over.
  const prefix = `evt_${randomUUID().slice(0, 8)}`;
  const digits = Math.max(6, String(planned.length).length);
  const withIds: PlannedDelivery[] = [];
  // Recorded chunk by chunk, so that the journal rows of a large plan never all sit in memory.
  for (let start = 0; start < planned.length; start += 5000) {
    const entries: NewJournalEvent[] = [];
    for (const [offset, delivery] of planned.slice(start, start + 5000).entries()) {
      const eventId = delivery.eventId ?? `${prefix}_${String(start + offset + 1).padStart(digits, "0")}`;
      entries.push(journalEntry(eventId, delivery, context));
      withIds.push({ ...delivery, eventId });
    }
    journal.addEvents(entries);
  }
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

/** A journaled event as a planned delivery again, for `resend` and `--resume`. */
export function plannedFromJournal(event: JournalEvent): PlannedDelivery {
  return {
    event: JSON.parse(event.body) as WhiteboardPushEvent,
    eventId: event.id,
    ...(event.fault ? { fault: event.fault } : {}),
    ...(event.keepSign ? { keepSign: true } : {}),
    ...(event.source ? { source: event.source } : {}),
  };
}
