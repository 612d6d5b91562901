import { setTimeout as sleep } from "node:timers/promises";
import type { Receiver, ReceiverOptions } from "../../src/receiver/reference-receiver.js";
import { interceptingReceiver } from "./intercepting-receiver.js";

/** Defect: does the heavy end-of-push work (fetching the recording, billing) before answering, so each Stopped takes `delayMs`. */
export function createTooSlow(options: ReceiverOptions & { delayMs: number }): Receiver {
  return interceptingReceiver(options, async (text) => {
    if (text.includes('"EventType":"WhiteboardPushStopped"')) await sleep(options.delayMs);
    return text;
  });
}
