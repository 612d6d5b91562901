export { openJournal } from "./journal.js";
export { eventStatuses } from "./records.js";

export type { Journal } from "./journal.js";
export type { AttemptRecord, EventFilter, EventOutcomeRecord, EventStatus, Fault, JournalEvent, NewJournalEvent } from "./records.js";
