/**
 * The reference receiver, as a starting point for your own: it lives in the package
 * (`src/receiver/reference-receiver.ts`, exported as `createReceiver`) so the CLI can serve it.
 */
export { createReceiver, type Receiver, type ReceiverOptions, type TaskState } from "../../src/receiver/reference-receiver.js";
