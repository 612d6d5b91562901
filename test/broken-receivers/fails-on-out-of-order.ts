import { createReceiver, type Receiver, type ReceiverOptions } from "../../src/receiver/reference-receiver.js";
import { withDevelopmentErrors } from "./intercepting-receiver.js";

/** Defect: updates the task row that its Started created, so a Stopped that comes first gets a 500. */
export function createFailsOnOutOfOrder(options: ReceiverOptions): Receiver {
  const receiver = createReceiver({
    ...options,
    onEvent(event) {
      if (event.EventType === "WhiteboardPushStopped" && !receiver.tasks.get(event.EventData.TaskId)?.StartedReceived) {
        throw new Error(`no row for task ${event.EventData.TaskId} to update`);
      }
    },
  });
  return withDevelopmentErrors(receiver);
}
