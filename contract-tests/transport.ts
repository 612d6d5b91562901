import type { FetchHandler } from "../src/tiw/fetch-handler.js";

/** One request to the receiver and what came of it. Exactly one of `answer`, `timedOut`, `error` describes the outcome. */
export interface Exchange {
  method: "GET" | "POST";
  url: string;
  body?: string;
  /** Milliseconds from sending to the end of the answer's body, or to giving up. */
  ms: number;
  answer?: { status: number; body: string };
  timedOut?: boolean;
  /** Why no answer came, e.g. `fetch failed (ECONNREFUSED)`. */
  error?: string;
}

/** How the suite reaches a receiver: over HTTP, or in-process through its fetch handler. */
export interface Transport {
  /** The callback URL, also the base for relative inspect URLs. */
  url: string;
  send(method: Exchange["method"], url: string, body: string | undefined, timeoutMs: number): Promise<Exchange>;
}

/** The URL callbacks appear to be posted to in-process: the receiver operation of the spec. */
export const inProcessUrl = "http://receiver.local/tiw/whiteboard-push/callback";

/** Real HTTP through `fetch` (injected for tests). */
export function httpTransport(url: string, fetchImpl: typeof fetch = globalThis.fetch): Transport {
  return { url, send: (method, target, body, timeoutMs) => exchange((request) => fetchImpl(request), method, target, body, timeoutMs) };
}

/** Straight into a `(Request) => Promise<Response>` handler: no network. A throwing handler gets a 500, as `serve` gives. */
export function handlerTransport(handler: FetchHandler, url: string = inProcessUrl): Transport {
  const perform = async (request: Request) => {
    try {
      return await handler(request);
    } catch (error) {
      return Response.json({ error: "internal_error", message: (error as Error).message }, { status: 500 });
    }
  };
  return { url, send: (method, target, body, timeoutMs) => exchange(perform, method, target, body, timeoutMs) };
}

async function exchange(
  perform: (request: Request) => Promise<Response>,
  method: Exchange["method"],
  url: string,
  body: string | undefined,
  timeoutMs: number,
): Promise<Exchange> {
  const controller = new AbortController();
  const request = new Request(url, {
    method,
    signal: controller.signal,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body }),
  });
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  // A handler may ignore the abort signal; racing the timer bounds the wait regardless.
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const base = { method, url, ...(body === undefined ? {} : { body }) };
  const answered = (async () => {
    const response = await perform(request);
    return { status: response.status, body: await readCapped(response, maxAnswerBytes) };
  })();
  // After a timeout the abort makes it reject, with nobody left listening.
  answered.catch(() => undefined);
  try {
    const outcome = await Promise.race([answered, deadline]);
    const ms = performance.now() - started;
    if (outcome === "timeout") return { ...base, ms, timedOut: true };
    return { ...base, ms, answer: outcome };
  } catch (error) {
    return { ...base, ms: performance.now() - started, error: describeError(error) };
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** Answers are evidence, not data: a receiver that streams megabytes back must not fill the suite's memory. */
const maxAnswerBytes = 64 * 1024;

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return "";
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    text += decoder.decode(chunk, { stream: true });
    // Leaving the loop cancels the stream, so the rest is never read.
    if (size > maxBytes) return `${text}… (cut at ${maxBytes} bytes)`;
  }
  return text + decoder.decode();
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const detail = typeof cause?.code === "string" ? cause.code : typeof cause?.message === "string" ? cause.message : undefined;
  return detail ? `${error.message} (${detail})` : error.message;
}
