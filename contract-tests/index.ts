/**
 * `tiw-push-kit/contract`: the receiver contract suite. The same checks run from the `verify`
 * command, from `runContract`, and as vitest tests through `defineReceiverContract` (vitest is a
 * peer dependency of this entry).
 */
export { defineReceiverContract } from "./define-receiver-contract.js";
export { runContract, runCheck, openSession, planChecks, defaultBudgetMs, UnreachableTargetError } from "./run-contract.js";
export { checks } from "./checks.js";
export { levels, CheckFailure, CheckSkipped } from "./check.js";
export { toJUnit } from "./junit.js";
export { formatResult, formatSummary } from "./format-result.js";
export { httpTransport, handlerTransport } from "./transport.js";

export type { ReceiverContractOptions } from "./define-receiver-contract.js";
export type { ContractOptions, ContractReport, PlannedCheck, RunHooks } from "./run-contract.js";
export type { Check, CheckResult, CheckStatus, Evidence, Level, Prerequisite, Warning } from "./check.js";
export type { Session, Task, Inspect } from "./session.js";
export type { Transport, Exchange } from "./transport.js";
