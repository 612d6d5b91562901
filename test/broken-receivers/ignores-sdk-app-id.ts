import { createReceiver, type Receiver, type ReceiverOptions } from "../../src/receiver/reference-receiver.js";

/** Defect: accepts callbacks of any SdkAppId, including another application's. */
export function createIgnoresSdkAppId(options: ReceiverOptions): Receiver {
  return createReceiver({ ...options, sdkAppId: undefined });
}
