import { setTimeout as sleep } from "node:timers/promises";
import { createReceiver, type Receiver, type ReceiverOptions } from "../../examples/receiver/receiver.js";

/** Defect: does the heavy end-of-push work (fetching the recording, billing) before answering, so each Stopped takes `delayMs`. */
export function createTooSlow(options: ReceiverOptions & { delayMs: number }): Receiver {
  const receiver = createReceiver(options);
  return {
    tasks: receiver.tasks,
    async fetch(request) {
      if (request.method !== "POST") return receiver.fetch(request);
      const text = await request.text();
      if (text.includes('"EventType":"WhiteboardPushStopped"')) await sleep(options.delayMs);
      return receiver.fetch(new Request(request.url, { method: "POST", body: text }));
    },
  };
}
