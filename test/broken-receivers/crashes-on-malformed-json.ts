import type { Receiver, ReceiverOptions } from "../../src/receiver/reference-receiver.js";
import { interceptingReceiver } from "./intercepting-receiver.js";

/** Defect: parses the body before verifying it and lets the SyntaxError escape, so malformed JSON gets a 500, not a 400. */
export function createCrashesOnMalformedJson(options: ReceiverOptions): Receiver {
  return interceptingReceiver(options, (text) => {
    JSON.parse(text);
    return text;
  });
}
