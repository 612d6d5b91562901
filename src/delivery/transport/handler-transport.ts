import type { FetchHandler } from "../../tiw/fetch-handler.js";
import { createResponseTransport } from "./response-transport.js";
import type { Transport } from "./transport.js";

/** The URL a request goes to in-process when no other is given: the receiver operation of the spec. */
export const inProcessUrl = "http://receiver.local/tiw/whiteboard-push/callback";

/**
 * Calls a fetch handler in-process: no network. The handler sees each request with the URL it
 * was sent to. A handler that throws fails the exchange with its error.
 */
export function createHandlerTransport(handler: FetchHandler): Transport {
  return createResponseTransport((url, init) => handler(new Request(url, init)));
}
