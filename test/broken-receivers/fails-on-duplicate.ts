import { createReceiver, type Receiver, type ReceiverOptions } from "../../src/receiver/reference-receiver.js";
import { withDevelopmentErrors } from "./intercepting-receiver.js";

/** Defect: a second delivery of the same callback hits a unique constraint and gets a 500 instead of a 200. */
export function createFailsOnDuplicate(options: ReceiverOptions): Receiver {
  const receiver = createReceiver({
    ...options,
    onEvent(event, { duplicate }) {
      if (duplicate) throw new Error(`duplicate key ${event.EventData.TaskId}/${event.EventType} violates a unique constraint`);
    },
  });
  return withDevelopmentErrors(receiver);
}
