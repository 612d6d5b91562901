import type { Io } from "./command.js";

/** Passes `io.fetch` on only when a test injected one: the deliverer's own HTTP client is faster than the global fetch. */
export function injectedFetch(io: Io): { fetch?: typeof fetch } {
  return io.fetch === globalThis.fetch ? {} : { fetch: io.fetch };
}
