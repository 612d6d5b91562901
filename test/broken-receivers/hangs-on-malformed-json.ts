import { createReceiver, type Receiver, type ReceiverOptions } from "../../examples/receiver/receiver.js";

/** Defect: on a body that is not JSON it never answers (until the client gives up and disconnects). */
export function createHangsOnMalformedJson(options: ReceiverOptions): Receiver {
  const receiver = createReceiver(options);
  return {
    tasks: receiver.tasks,
    async fetch(request) {
      if (request.method !== "POST") return receiver.fetch(request);
      const text = await request.text();
      try {
        JSON.parse(text);
      } catch {
        await new Promise((resolve) => request.signal.addEventListener("abort", resolve, { once: true }));
        return new Response(null, { status: 400 });
      }
      return receiver.fetch(new Request(request.url, { method: "POST", body: text }));
    },
  };
}
