import type { EventFilter, EventsDescription, Journal, JournalEvent } from "../../store/index.js";

/** Journaled events chosen to be sent again, described without holding them all: a resume can be millions. */
export interface EventSelection extends EventsDescription {
  /** The newest of them: its run's settings are the resume's. */
  newest: JournalEvent | undefined;
  /** The events, oldest first. */
  events: Iterable<JournalEvent>;
}

/** Rows read at once when a selection is walked. */
const pageSize = 1000;

/** A selection of events already in memory (`resend` by id). */
export function selectionOf(events: readonly JournalEvent[]): EventSelection {
  const targets = [...new Set(events.map((event) => event.target))].sort();
  return {
    count: events.length,
    targets: targets.length > 2 ? [targets[0] ?? "", targets.at(-1) ?? ""] : targets,
    signed: events.some((event) => event.signed),
    newest: events.at(-1),
    events,
  };
}

/**
 * The events matching `filter`, read a page at a time as they are walked. A read commits the
 * answers queued before it: when that fails, the walk stops there, as the sends must, and
 * `journal.writeFailed` says why.
 */
export function selectionMatching(journal: Journal, filter: Pick<EventFilter, "status">): EventSelection {
  const page = (afterSeq?: number): JournalEvent[] => {
    try {
      return journal.listEvents({ ...filter, ...(afterSeq === undefined ? {} : { afterSeq }), first: pageSize });
    } catch (error) {
      if (journal.writeFailed.aborted) return [];
      throw error;
    }
  };
  return {
    ...journal.describeEvents(filter),
    newest: journal.listEvents({ ...filter, limit: 1 })[0],
    events: {
      *[Symbol.iterator]() {
        for (let events = page(); events.length > 0; events = page(events.at(-1)?.seq)) yield* events;
      },
    },
  };
}
