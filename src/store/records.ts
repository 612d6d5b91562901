/** The records the journal keeps: what is written and what reads give back. */

export const eventStatuses = ["pending", "delivered", "failed", "forged-rejected", "forged-accepted"] as const;
/**
 * `pending` until an outcome is known; `delivered` / `failed` for valid events (200, or retries
 * exhausted); `forged-rejected` / `forged-accepted` for forgeries the receiver answered.
 */
export type EventStatus = (typeof eventStatuses)[number];

/** A change made to a body at send time, by name; the delivery engine gives each its meaning. */
export type Fault = "bad-sign" | "expired" | "wrong-app" | "malformed" | "unknown-fields";

/** An event as first recorded, before any attempt. */
export interface NewJournalEvent {
  id: string;
  taskId: string;
  eventType: string;
  /** The event as JSON text; `ExpireTime` and `Sign` are recomputed from it at each send unless `keepSign`. */
  body: string;
  /** The callback URL, or `in-process` for a handler target. */
  target: string;
  /** Whether it is sent signed, so that a resend knows it needs the key (which is never stored). */
  signed: boolean;
  keepSign?: boolean;
  fault?: Fault;
  source?: string;
  /** Unix milliseconds. */
  createdAt: number;
}

export interface JournalEvent extends NewJournalEvent {
  /** Insertion order, the cursor of `listEvents({ afterSeq })`. */
  seq: number;
  keepSign: boolean;
  status: EventStatus;
  /** Attempts over all deliveries of this event (resends included). */
  attempts: number;
  lastStatusCode?: number;
  lastError?: string;
  updatedAt: number;
}

/** One HTTP exchange (or the failure to have one). */
export interface AttemptRecord {
  eventId: string;
  /** 1 for the first attempt of a delivery, 2 for its first retry, ... */
  attempt: number;
  /** Unix milliseconds when the attempt started. */
  at: number;
  statusCode?: number;
  latencyMs: number;
  /** Timeout or connection error, when there was no answer. */
  error?: string;
  /** The start of the response body, for debugging a receiver. */
  responseSnippet?: string;
}

/** How a delivery ended. */
export interface EventOutcomeRecord {
  /** `pending` when the delivery was stopped before an answer. */
  status: EventStatus;
  /** Attempts made by this delivery, `last` included. */
  attempts: number;
  /** The attempt that ended the delivery; absent when it was stopped between attempts. */
  last?: AttemptRecord;
  at: number;
}

export interface EventFilter {
  status?: EventStatus | readonly EventStatus[];
  /** Scans the journal: an index on the random task ids would cost every insert more than it saves `log --task`. */
  taskId?: string;
  /** Only events recorded after this `seq`, for polling. */
  afterSeq?: number;
  /** The newest `limit` events (still listed oldest first). */
  limit?: number;
  /** The oldest `first` events: with `afterSeq`, a page of a listing too long to hold at once. */
  first?: number;
}

/** What a set of events holds, read without listing them. */
export interface EventsDescription {
  count: number;
  /** The URLs they went to: one, or the first and last of several (alphabetically). */
  targets: string[];
  /** Whether any of them is sent signed. */
  signed: boolean;
}

/** A run of deliveries planned together (`emit`): its plan is recorded whole, or in batches and then marked complete. */
export interface NewRun {
  /** The prefix of its events' ids. */
  id: string;
  /** Unix milliseconds. */
  createdAt: number;
  /** How it was planned, as its writer's JSON, so that a run stopped before its plan was recorded in full can be planned again. */
  recipe?: string;
}
