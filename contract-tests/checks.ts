import { acceptanceChecks } from "./acceptance-checks.js";
import type { Check } from "./check.js";
import { hardeningChecks } from "./hardening-checks.js";
import { loadChecks } from "./load-checks.js";
import { recoveryCheck } from "./recovery-check.js";
import { rejectionChecks } from "./rejection-checks.js";
import { stateChecks } from "./state-checks.js";

/** Every check of the receiver contract, in the order they run and are listed. Names are stable. */
export const checks: readonly Check[] = [...acceptanceChecks, ...rejectionChecks, ...loadChecks, ...stateChecks, ...hardeningChecks, recoveryCheck];
