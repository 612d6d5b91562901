import type { Receiver, ReceiverOptions } from "../../src/receiver/reference-receiver.js";
import { sign } from "../../src/tiw/signing.js";
import { interceptingReceiver, parsedOrUndefined } from "./intercepting-receiver.js";

/**
 * Defect: checks that a Sign is there but never compares it with md5(key + ExpireTime). Modelled by
 * replacing any Sign with the right one before the reference receiver sees the body.
 */
export function createSkipsSignatureCheck(options: ReceiverOptions): Receiver {
  return interceptingReceiver(options, (text) => {
    const body = parsedOrUndefined<{ Sign?: unknown; ExpireTime?: unknown }>(text);
    const signed = typeof body?.Sign === "string" && typeof body.ExpireTime === "number";
    return signed && options.callbackKey !== undefined ? JSON.stringify({ ...body, Sign: sign(options.callbackKey, Number(body?.ExpireTime)) }) : text;
  });
}
