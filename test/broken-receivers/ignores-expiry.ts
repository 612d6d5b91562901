import { createReceiver, type Receiver, type ReceiverOptions } from "../../src/receiver/reference-receiver.js";

/** Defect: never looks at the clock, so an expired ExpireTime (a replayed callback) is accepted. */
export function createIgnoresExpiry(options: ReceiverOptions): Receiver {
  return createReceiver({ ...options, now: () => 0 });
}
