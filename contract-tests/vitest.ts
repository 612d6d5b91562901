/**
 * `tiw-push-kit/contract/vitest`: the receiver contract as vitest tests. Only this entry needs vitest
 * (a peer dependency), so `tiw-push-kit/contract` imports without it.
 */
export { defineReceiverContract } from "./define-receiver-contract.js";
export type { ReceiverContractOptions } from "./define-receiver-contract.js";
