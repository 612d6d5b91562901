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

/** The first batch is small, so the first send comes at once; batches then double up to the largest. */
const firstBatch = 64;
const largestBatch = 4096;
/** Digits of a batched plan's event numbers: its length is not known ahead (`--count` allows 10M tasks, chaos adds copies). */
const batchedDigits = 9;

/** The id of the `number`th delivery (from 1) of a run's plan recorded in batches. */
export function batchedEventId(runId: string, number: number): string {
  return `${runId}_${String(number).padStart(batchedDigits, "0")}`;
}

/** A plan in the journal, to be sent: recorded whole before, or batch by batch as it is pulled. */
export interface RecordedPlan {
  /** The deliveries, each with its event id. */
  deliveries: Iterable<PlannedDelivery>;
  /** How many of them are recorded so far. */
  recordedCount(): number;
  /** Whether the whole plan is recorded (false when the pulling stopped before its end). */
  complete(): boolean;
  /** How many deliveries the whole plan has, when known before it is made. */
  total?: number;
}

/** A plan recorded whole, by `recordPlan` or read back from the journal. */
export function recordedWhole(planned: readonly PlannedDelivery[]): RecordedPlan {
  return { deliveries: planned, recordedCount: () => planned.length, complete: () => true, total: planned.length };
}

/**
 * Records a begun run's plan in batches as it is pulled, so a plan of millions of events is sent
 * from its first batch on and never sits whole in memory: each batch is recorded, in one
 * transaction durable on return, before any of it is given out; after the last, the run is marked
 * recorded. A run stopped part-way is not, and `unrecordedRuns` gives it back: planned again from
 * its recipe, the same deliveries get the same ids, so recording them again adds only those never
 * recorded. When a journal write fails, the deliveries stop there (`journal.writeFailed` says why).
 */
export function recordPlanInBatches(journal: Journal, planned: Iterable<PlannedDelivery>, options: RecordPlanOptions & { runId: string; total?: number }): RecordedPlan {
  const { runId } = options;
  const context = { target: options.target, hasKey: options.hasKey, createdAt: (options.now ?? Date.now)() };
  let complete = false;
  let recordedCount = 0;
  /** Records a batch (and, after the last, the run's mark); false when the journal cannot be written. */
  const recorded = (batch: ReadonlyArray<PlannedDelivery & { eventId: string }>, last: boolean): boolean => {
    try {
      journal.addEvents(batch.map((delivery) => journalEntry(delivery.eventId, delivery, context)));
      recordedCount += batch.length;
      if (last) journal.completeRun(runId);
      return true;
    } catch (error) {
      if (journal.writeFailed.aborted) return false;
      throw error;
    }
  };
  function* deliveries(): Generator<PlannedDelivery> {
    let batch: Array<PlannedDelivery & { eventId: string }> = [];
    let size = firstBatch;
    let index = 0;
    for (const delivery of planned) {
      index += 1;
      batch.push({ ...delivery, eventId: delivery.eventId ?? batchedEventId(runId, index) });
      if (batch.length < size) continue;
      if (!recorded(batch, false)) return;
      yield* batch;
      batch = [];
      size = Math.min(size * 2, largestBatch);
    }
    if (!recorded(batch, true)) return;
    complete = true;
    yield* batch;
  }
  return {
    deliveries: { [Symbol.iterator]: deliveries },
    recordedCount: () => recordedCount,
    complete: () => complete,
    ...(options.total !== undefined ? { total: options.total } : {}),
  };
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
