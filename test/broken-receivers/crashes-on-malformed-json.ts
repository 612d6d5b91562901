import { createReceiver, type Receiver, type ReceiverOptions } from "../../examples/receiver/receiver.js";

/** Defect: parses the body before verifying it and lets the SyntaxError escape, so malformed JSON gets a 500, not a 400. */
export function createCrashesOnMalformedJson(options: ReceiverOptions): Receiver {
  const receiver = createReceiver(options);
  return {
    tasks: receiver.tasks,
    async fetch(request) {
      if (request.method !== "POST") return receiver.fetch(request);
      const text = await request.text();
      JSON.parse(text);
      return receiver.fetch(new Request(request.url, { method: "POST", body: text }));
    },
  };
}
