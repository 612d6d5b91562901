export { createDeliverer, checkTargetUrl, defaultTimeoutMs } from "./deliverer.js";
export { openJournal, eventStatuses } from "../store/index.js";
export { dispatch, defaultConcurrency } from "./dispatch.js";
export { planDeliveries, parseChaos, chaosKinds, defaultMaxDelayMs } from "./chaos.js";
export { faults, forgedFaults, isForged } from "./faults.js";
export { backoffDelay, defaultRetryPolicy } from "./retry-policy.js";
export { createSummary, summaryPassed } from "./summary.js";
export { recordPlan, plannedFromJournal } from "./record-plan.js";

export type { CallbackTarget, DelivererOptions, DeliverOptions, Deliverer, DeliveryOutcome } from "./deliverer.js";
export type { Journal, JournalEvent, NewJournalEvent, AttemptRecord, EventStatus, EventFilter, EventOutcomeRecord } from "../store/index.js";
export type { DispatchOptions } from "./dispatch.js";
export type { ChaosKind, ChaosRates, PlannedDelivery, PlanOptions } from "./chaos.js";
export type { Fault, ForgedFault } from "./faults.js";
export type { RetryPolicy } from "./retry-policy.js";
export type { DeliverySummary, SummaryCollector } from "./summary.js";
export type { RecordPlanOptions } from "./record-plan.js";
