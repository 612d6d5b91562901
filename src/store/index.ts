export { openJournal } from "./journal.js";
export { JournalError } from "./journal-error.js";
export { openTaskHistory } from "./task-history.js";
export { eventStatuses } from "./records.js";

export type { Journal, OpenJournalOptions } from "./journal.js";
export type { JournalProblem } from "./journal-error.js";
export type { StoreDatabase } from "./store-database.js";
export type { StoredTask, TaskHistory } from "./task-history.js";
export type { AttemptRecord, EventFilter, EventOutcomeRecord, EventsDescription, EventStatus, Fault, JournalEvent, NewJournalEvent, NewRun } from "./records.js";
