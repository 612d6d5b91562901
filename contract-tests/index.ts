/**
 * `tiw-push-kit/contract`: the receiver contract suite, free of any test framework. The same checks
 * run from the `verify` command and from `runContract`; as vitest tests they are registered by
 * `defineReceiverContract`, from `tiw-push-kit/contract/vitest`.
 */
export { runContract, runCheck, openSession, planChecks, defaultBudgetMs, defaultRecoveryWaitSeconds, UnreachableTargetError } from "./run-contract.js";
export { checks } from "./checks.js";
export { levels, CheckFailure, CheckSkipped } from "./check.js";
export { budgetsBeforeGivingUp } from "./session.js";
export { toJUnit, unreachableJUnit } from "./junit.js";
export { formatResult, formatSummary } from "./format-result.js";
export { httpTransport, handlerTransport } from "./transport.js";

export type { ContractOptions, ContractReport, PlannedCheck, RunHooks } from "./run-contract.js";
export type { Check, CheckResult, CheckStatus, Evidence, Level, Prerequisite, Warning } from "./check.js";
export type { Session, Task, Inspect, RecoveryTarget } from "./session.js";
export type { Transport, Exchange } from "./transport.js";
