import type { Receiver, ReceiverOptions } from "../../src/receiver/reference-receiver.js";
import { interceptingReceiver, parsedOrUndefined } from "./intercepting-receiver.js";

/** Defect: on a body that is not JSON it never answers (until the client gives up and disconnects). */
export function createHangsOnMalformedJson(options: ReceiverOptions): Receiver {
  return interceptingReceiver(options, async (text, request) => {
    if (parsedOrUndefined(text) !== undefined) return text;
    await new Promise((resolve) => request.signal.addEventListener("abort", resolve, { once: true }));
    return new Response(null, { status: 400 });
  });
}
