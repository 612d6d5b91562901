import { createResponseTransport } from "./response-transport.js";
import type { Transport } from "./transport.js";

/** Sends through `fetch` (the global one, or one injected: a test's, a proxy-aware one). */
export function createFetchTransport(fetchImpl: typeof fetch = globalThis.fetch): Transport {
  return createResponseTransport((url, init) => fetchImpl(url, init));
}
