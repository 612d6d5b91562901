import { standInSource } from "./delivery-sender.js";
import { kitAttempt } from "./kit-attempt.js";
import type { KitChaosBurst, KitChaosDelivery, KitDelivery } from "./types.js";
import type { Fault, Journal, JournalEvent } from "../delivery/index.js";
import type { WhiteboardPushEvent } from "../tiw/events.js";
import { burstSourcePrefix, expectedOf, passedOf } from "./chaos-bursts.js";
import type { SignedPayloads } from "./signed-payloads.js";

/** The newest journal events read back at start; older ones stay in the journal (`tiw-push-kit log`). */
const maxHistoryEvents = 4000;

export interface JournalHistory {
  /** The stand-in's deliveries of earlier runs, newest first. */
  deliveries: KitDelivery[];
  /** Chaos bursts of earlier runs, newest first. */
  bursts: KitChaosBurst[];
}

/** A callback an earlier run left pending, to be sent by this one. */
export interface PendingCallback {
  delivery: KitDelivery;
  /** Whether it was to be signed: it then needs a callback key, which the journal never keeps. */
  signed: boolean;
}

/**
 * The callbacks earlier runs of the stand-in settled, read back from the journal with every attempt
 * (those still pending are `pendingCallbacks`); resending one works as for any other. An unsigned
 * one sent its journaled body as it is, which `payloads` keeps; the signed bodies are not known,
 * the key was never journaled.
 */
export function readJournalHistory(journal: Journal, payloads: SignedPayloads): JournalHistory {
  const deliveries: KitDelivery[] = [];
  const bursts = new Map<string, KitChaosBurst>();
  for (const record of journal.listEvents({ limit: maxHistoryEvents }).reverse()) {
    // `emit` and `start` share the journal: their records are neither parsed nor remembered here.
    const fault = record.fault;
    if (record.source === standInSource && record.status !== "pending") {
      const restored = delivery(journal, record, eventOf(record));
      const last = restored.attempts.at(-1);
      if (!record.signed && !fault && last) payloads.keep(record.id, { attempt: restored.attempts.length, at: last.at, body: record.body });
      deliveries.push(restored);
    } else if (record.source?.startsWith(burstSourcePrefix) && fault) {
      const burstId = record.source.slice(burstSourcePrefix.length);
      const burst = bursts.get(burstId) ?? { id: burstId, createdAt: record.createdAt, target: record.target, faults: [], deliveries: [], restored: true };
      bursts.set(burstId, burst);
      burst.createdAt = Math.min(burst.createdAt, record.createdAt);
      burst.deliveries.push(chaosDelivery(journal, record, fault, eventOf(record)));
    }
  }
  for (const burst of bursts.values()) {
    // Journaled as they were sent, tasks in parallel: back in the order of the burst.
    burst.deliveries.sort((a, b) => (a.id < b.id ? -1 : 1));
    burst.faults = [...new Set(burst.deliveries.map((delivery) => delivery.fault))];
  }
  return { deliveries, bursts: [...bursts.values()] };
}

/** The stand-in's callbacks earlier runs left pending (produced, not yet answered), oldest first. */
export function pendingCallbacks(journal: Journal): PendingCallback[] {
  return journal
    .listEvents({ status: "pending" })
    .filter((record) => record.source === standInSource)
    .map((record) => ({ delivery: delivery(journal, record, eventOf(record)), signed: record.signed }));
}

function eventOf(record: JournalEvent): WhiteboardPushEvent {
  return JSON.parse(record.body) as WhiteboardPushEvent;
}

function delivery(journal: Journal, record: JournalEvent, event: WhiteboardPushEvent): KitDelivery {
  return {
    id: record.id,
    taskId: record.taskId,
    eventType: event.EventType,
    event,
    target: record.target,
    status: record.status === "delivered" || record.status === "pending" ? record.status : "failed",
    createdAt: record.createdAt,
    attempts: journal.listAttempts(record.id).map(kitAttempt),
    resendOf: /^(.+)\.resend\d+$/.exec(record.id)?.[1] ?? null,
  };
}

function chaosDelivery(journal: Journal, record: JournalEvent, fault: Fault, event: WhiteboardPushEvent): KitChaosDelivery {
  const chaos: KitChaosDelivery = {
    id: record.id,
    taskId: record.taskId,
    eventType: event.EventType,
    fault,
    event,
    status: record.status,
    expected: expectedOf(fault),
    passed: null,
    attempts: journal.listAttempts(record.id).map(kitAttempt),
  };
  return { ...chaos, passed: passedOf(chaos) };
}
