// The verifier entry's exports (verifyCallback, sign, validateEvent, the event types, ...), then the rest of the kit.
export * from "./verifier.js";
export { generate, generateEvents, scenarios, freshSeed } from "./generate/generate.js";
export { defaultSdkAppId, defaultAutoStopTimeout, autoStopTimeoutRange } from "./tiw/defaults.js";
export { defaultExpireWindowSeconds, expireTimeAt } from "./tiw/time-rules.js";
export { createRandom } from "./generate/random.js";

export { createReceiver } from "./receiver/reference-receiver.js";
export { serve } from "./server/node.js";

export type { GenerateOptions, Scenario } from "./generate/generate.js";
export type { Receiver, ReceiverOptions, TaskState } from "./receiver/reference-receiver.js";
export type { ServeOptions, RunningServer } from "./server/node.js";
export type { FetchHandler } from "./tiw/fetch-handler.js";
export type { Random } from "./generate/random.js";

export { createTiwApi } from "./stand-in/http/tiw-api.js";
export { serveTiwApi, defaultTiwApiPort } from "./server/serve-tiw-api.js";
export { TiwApiError } from "./stand-in/tiw-api-error.js";
export { KitControlError } from "./stand-in/kit-control-error.js";
export { createClock } from "./stand-in/clock.js";
export { verifyTc3 } from "./stand-in/http/tc3.js";
export { createDeliverySender } from "./stand-in/delivery-sender.js";
export { actions as tiwApiActions, apiVersion as tiwApiVersion } from "./stand-in/types.js";
export type { TiwApi, TiwApiOptions } from "./stand-in/http/tiw-api.js";
export type { StandIn, StandInOptions, TaskTrigger } from "./stand-in/stand-in-types.js";
export type { TiwApiServer, TiwApiServerOptions } from "./server/serve-tiw-api.js";
export type { Clock, ClockOptions } from "./stand-in/clock.js";
export type { Tc3Credentials, SignedRequest } from "./stand-in/http/tc3.js";
export type { CallbackSender, CallbackRoute } from "./stand-in/callback-sender.js";
export type { DeliverySenderOptions } from "./stand-in/delivery-sender.js";
export type {
  Action as TiwApiAction,
  RequestOf,
  ResponseOf,
  TaskStatus,
  KitSettings,
  KitClock,
  KitTask,
  KitDescribe,
  KitTimelineEntry,
  KitDelivery,
  KitAttempt,
  KitChange,
  KitProblem,
  KitExceptionRequest,
} from "./stand-in/types.js";

export {
  createDeliverer,
  openJournal,
  dispatch,
  planDeliveries,
  planDeliveryStream,
  parseChaos,
  chaosKinds,
  forgedFaults,
  recordPlan,
  recordPlanInBatches,
  plannedFromJournal,
  createSummary,
  summaryPassed,
  backoffDelay,
  defaultRetryPolicy,
  deliveryProfiles,
  defaultProfileName,
  eventStatuses,
} from "./delivery/index.js";
export type {
  CallbackTarget,
  DelivererOptions,
  DeliverOptions,
  Deliverer,
  DeliveryOutcome,
  Journal,
  JournalEvent,
  NewJournalEvent,
  AttemptRecord,
  EventStatus,
  EventFilter,
  EventOutcomeRecord,
  DispatchOptions,
  ChaosKind,
  ChaosRates,
  PlannedDelivery,
  PlanOptions,
  Fault,
  ForgedFault,
  RetryPolicy,
  DeliverySummary,
  RecordPlanOptions,
} from "./delivery/index.js";

export { createDashboardHandler, withDashboard, dashboardPath } from "./dashboard/dashboard-handler.js";
export type {
  KitNewTask,
  KitFault,
  KitChaosRequest,
  KitChaosBurst,
  KitChaosDelivery,
  KitPayload,
  KitSignatureCheck,
} from "./stand-in/types.js";
