import type { FetchHandler } from "../src/tiw/fetch-handler.js";
import { describeError } from "../src/delivery/transport/describe-error.js";
import { createFetchTransport } from "../src/delivery/transport/fetch-transport.js";
import { createHandlerTransport, inProcessUrl } from "../src/delivery/transport/handler-transport.js";
import { HttpTimeoutError } from "../src/delivery/transport/http-timeout-error.js";
import type { Transport as WireTransport } from "../src/delivery/transport/transport.js";

/** One request to the receiver and what came of it. Exactly one of `answer`, `timedOut`, `error` describes the outcome. */
export interface Exchange {
  method: "GET" | "POST";
  url: string;
  body?: string;
  /** Milliseconds from sending to the end of the answer's body, or to giving up. */
  ms: number;
  answer?: { status: number; body: string };
  timedOut?: boolean;
  /** Why no answer came, e.g. `connection refused (ECONNREFUSED)`. */
  error?: string;
}

/** How the suite reaches a receiver: over HTTP, or in-process through its fetch handler. */
export interface Transport {
  /** The callback URL, also the base for relative inspect URLs. */
  url: string;
  send(method: Exchange["method"], url: string, body: string | undefined, timeoutMs: number): Promise<Exchange>;
}

/** Answers are evidence, not data: a receiver that streams megabytes back must not fill the suite's memory. */
const maxAnswerBytes = 64 * 1024;

/** Real HTTP through `fetch` (injected for tests), with `headers` on every request (a gateway's token, say). */
export function httpTransport(url: string, fetchImpl: typeof fetch = globalThis.fetch, headers: Readonly<Record<string, string>> = {}): Transport {
  return exchangesOver(createFetchTransport(fetchImpl), url, headers);
}

/** Straight into a `(Request) => Promise<Response>` handler: no network. A throwing handler gets a 500, as `serve` gives. */
export function handlerTransport(handler: FetchHandler, url: string = inProcessUrl): Transport {
  const answering: FetchHandler = async (request) => {
    try {
      return await handler(request);
    } catch (error) {
      return Response.json({ error: "internal_error", message: (error as Error).message }, { status: 500 });
    }
  };
  return exchangesOver(createHandlerTransport(answering), url);
}

/** The suite's view of a transport: every request becomes an `Exchange`, the evidence checks judge. */
function exchangesOver(transport: WireTransport, url: string, headers: Readonly<Record<string, string>> = {}): Transport {
  return {
    url,
    async send(method, target, body, timeoutMs) {
      const base = { method, url: target, ...(body === undefined ? {} : { body }) };
      const started = performance.now();
      try {
        const request = { method, url: new URL(target), timeoutMs, maxAnswerBytes, headers };
        const answer = await transport.send(body === undefined ? request : { ...request, body, headers: { ...headers, "Content-Type": "application/json" } });
        const text = answer.cut ? `${answer.body}… (cut at ${maxAnswerBytes} bytes)` : answer.body;
        return { ...base, ms: performance.now() - started, answer: { status: answer.status, body: text } };
      } catch (error) {
        const ms = performance.now() - started;
        return error instanceof HttpTimeoutError ? { ...base, ms, timedOut: true } : { ...base, ms, error: describeError(error) };
      }
    },
  };
}
