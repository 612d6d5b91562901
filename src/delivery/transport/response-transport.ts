import { HttpTimeoutError } from "./http-timeout-error.js";
import type { Transport, TransportAnswer } from "./transport.js";

/** Answers a request with a `Response`: `fetch`, or a fetch handler called in-process. */
export type Perform = (url: string, init: RequestInit & { signal: AbortSignal }) => Promise<Response>;

/**
 * A transport over the web's `Request` and `Response`. At the timeout the request's signal aborts
 * and the wait ends, even for an in-process handler that ignores the signal.
 */
export function createResponseTransport(perform: Perform): Transport {
  return {
    async send({ method, url, body, headers, timeoutMs, maxAnswerBytes }) {
      const controller = new AbortController();
      const { signal } = controller;
      const timer = setTimeout(() => controller.abort(new HttpTimeoutError(timeoutMs)), timeoutMs);
      try {
        const init = { method, signal, ...(headers ? { headers } : {}), ...(body === undefined ? {} : { body }) };
        return await untilAborted(
          perform(url.href, init).then((response) => answerOf(response, maxAnswerBytes, signal)),
          signal,
        );
      } finally {
        clearTimeout(timer);
      }
    },
    close() {},
  };
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    promise.then(resolve, reject);
  });
}

/** Reads the body up to `maxBytes` and stops there, so a huge or endless answer costs nothing. */
async function answerOf(response: Response, maxBytes: number, signal: AbortSignal): Promise<TransportAnswer> {
  if (!response.body) return { status: response.status, body: "", cut: false };
  const reader = response.body.getReader();
  // A body still trickling in at the timeout is not read on. The exchange has failed by then, so
  // how the cancel ends (the stream may already be errored by the abort) changes nothing.
  const stop = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener("abort", stop, { once: true });
  const chunks: Uint8Array[] = [];
  let size = 0;
  let cut = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      if (size > maxBytes) {
        cut = true;
        await reader.cancel();
        break;
      }
    }
  } finally {
    signal.removeEventListener("abort", stop);
  }
  return { status: response.status, body: Buffer.concat(chunks).toString("utf8", 0, Math.min(size, maxBytes)), cut };
}
