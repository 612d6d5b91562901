import { createReceiver, type Receiver, type ReceiverOptions } from "../../examples/receiver/receiver.js";
import { sign } from "../../src/signing/signing.js";

/**
 * Defect: checks that a Sign is there but never compares it with md5(key + ExpireTime). Modelled by
 * replacing any Sign with the right one before the reference receiver sees the body.
 */
export function createSkipsSignatureCheck(options: ReceiverOptions): Receiver {
  const receiver = createReceiver(options);
  return {
    tasks: receiver.tasks,
    async fetch(request) {
      if (request.method !== "POST") return receiver.fetch(request);
      const text = await request.text();
      let body: { Sign?: unknown; ExpireTime?: unknown } | undefined;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const signed = typeof body?.Sign === "string" && typeof body.ExpireTime === "number";
      const forwarded = signed ? JSON.stringify({ ...body, Sign: sign(options.callbackKey, Number(body?.ExpireTime)) }) : text;
      return receiver.fetch(new Request(request.url, { method: "POST", body: forwarded }));
    },
  };
}
