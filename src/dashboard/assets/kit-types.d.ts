// The page's view of the stand-in, from the types generated from the spec: the scripts name these
// in JSDoc, and the integration test type-checks them against it.
import type { components } from "../../generated/api.js";

type Schemas = components["schemas"];

export type KitTask = Schemas["KitTask"];
export type KitDelivery = Schemas["KitDelivery"];
export type KitAttempt = Schemas["KitAttempt"];
export type KitChaosBurst = Schemas["KitChaosBurst"];
export type KitChaosDelivery = Schemas["KitChaosDelivery"];
export type KitSettings = Schemas["KitSettings"];
export type KitClock = Schemas["KitClock"];
export type KitChange = Schemas["KitChange"];
export type KitPayload = Schemas["KitPayload"];
export type KitProblem = Schemas["KitProblem"];
export type KitTimelineEntry = Schemas["KitTimelineEntry"];
export type KitSettingsRequest = Schemas["KitSettingsRequest"];
