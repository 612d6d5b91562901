export { openJournal } from "./journal.js";
export { openTaskHistory } from "./task-history.js";
export { eventStatuses } from "./records.js";

export type { Journal } from "./journal.js";
export type { StoreDatabase } from "./store-database.js";
export type { StoredTask, TaskHistory } from "./task-history.js";
export type { AttemptRecord, EventFilter, EventOutcomeRecord, EventStatus, Fault, JournalEvent, NewJournalEvent } from "./records.js";
