import { createReceiver, type Receiver, type ReceiverOptions } from "../../src/receiver/reference-receiver.js";

/** Defect (for the opt-in hardened check): claims to be hardened but applies callbacks without confirming the task with TIW. */
export function createConfirmsNothing(options: ReceiverOptions): Receiver {
  return createReceiver({ ...options, confirm: undefined });
}
