import { createReceiver, type Receiver, type ReceiverOptions } from "../../src/receiver/reference-receiver.js";

/** Defect: acknowledges a duplicate correctly but adds its ExceptionCnt to the task again, as `SET n = n + ?` would. */
export function createCountsDuplicatesTwice(options: ReceiverOptions): Receiver {
  const receiver = createReceiver({
    ...options,
    onEvent(event, { duplicate }) {
      const task = receiver.tasks.get(event.EventData.TaskId);
      if (duplicate && task && event.EventType === "WhiteboardPushStopped") task.ExceptionCnt = (task.ExceptionCnt ?? 0) + event.EventData.ExceptionCnt;
    },
  });
  return receiver;
}
