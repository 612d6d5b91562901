import { afterEach, describe, expect, it } from "vitest";
import { describeError } from "../../src/delivery/transport/describe-error.js";
import { createFetchTransport } from "../../src/delivery/transport/fetch-transport.js";
import { createHandlerTransport, inProcessUrl } from "../../src/delivery/transport/handler-transport.js";
import { createHttpPoster } from "../../src/delivery/transport/http-poster.js";
import { HttpTimeoutError } from "../../src/delivery/transport/http-timeout-error.js";
import type { Transport } from "../../src/delivery/transport/transport.js";
import { serve } from "../../src/server/node.js";
import type { FetchHandler } from "../../src/tiw/fetch-handler.js";

/** A transport in front of `handler`, and the URL that reaches it. */
type Setup = (handler: FetchHandler) => Promise<{ transport: Transport; url: string }>;

const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function overHttp(handler: FetchHandler, transport: Transport): Promise<{ transport: Transport; url: string }> {
  const server = await serve(handler);
  closers.push(() => server.close(), () => transport.close());
  return { transport, url: `${server.url}/tiw/callback` };
}

const implementations: Array<[string, Setup]> = [
  ["the kit's HTTP client", (handler) => overHttp(handler, createHttpPoster())],
  ["fetch", (handler) => overHttp(handler, createFetchTransport())],
  ["a fetch handler in-process", async (handler) => ({ transport: createHandlerTransport(handler), url: inProcessUrl })],
];

/** A body that never ends: one kilobyte after another. */
const endless = () => new ReadableStream<Uint8Array>({ pull: (controller) => controller.enqueue(new TextEncoder().encode("x".repeat(1024))) });

const json = { "Content-Type": "application/json" };

describe.each(implementations)("the transport through %s", (_, setup) => {
  it("POSTs the body byte for byte with its headers, and answers with the status and body", async () => {
    const seen: Array<{ method: string; path: string; type: string | null; body: string }> = [];
    const { transport, url } = await setup(async (request) => {
      seen.push({ method: request.method, path: new URL(request.url).pathname, type: request.headers.get("content-type"), body: await request.text() });
      return new Response("ächz", { status: 503 });
    });
    const body = '{"text":"ünïcode ✓"}';
    const answer = await transport.send({ method: "POST", url: new URL(url), body, headers: json, timeoutMs: 2000, maxAnswerBytes: 1024 });
    expect(answer).toEqual({ status: 503, body: "ächz", cut: false });
    expect(seen).toEqual([{ method: "POST", path: new URL(url).pathname, type: "application/json", body }]);
  });

  it("GETs a URL with its query and no body", async () => {
    const seen: string[] = [];
    const { transport, url } = await setup(async (request) => {
      seen.push(`${request.method} ${new URL(request.url).search} ${request.body === null ? "no body" : await request.text()}`);
      return Response.json({ Status: "PUSHING" });
    });
    const answer = await transport.send({ method: "GET", url: new URL(`${url}?TaskId=a%20b`), timeoutMs: 2000, maxAnswerBytes: 1024 });
    expect(answer).toEqual({ status: 200, body: '{"Status":"PUSHING"}', cut: false });
    expect(seen).toEqual(["GET ?TaskId=a%20b no body"]);
  });

  it("keeps the start of a long answer, and stops reading an endless one there", async () => {
    const { transport, url } = await setup(async () => new Response(endless(), { status: 500 }));
    const answer = await transport.send({ method: "POST", url: new URL(url), body: "{}", headers: json, timeoutMs: 2000, maxAnswerBytes: 100 });
    expect(answer).toEqual({ status: 500, body: "x".repeat(100), cut: true });
    const exact = await setup(async () => new Response("y".repeat(100)));
    expect(await exact.transport.send({ method: "POST", url: new URL(exact.url), body: "{}", timeoutMs: 2000, maxAnswerBytes: 100 })).toEqual({
      status: 200,
      body: "y".repeat(100),
      cut: false,
    });
  });

  it("gives up at the timeout with an HttpTimeoutError, and aborts the request it gave up on", async () => {
    let aborted = false;
    const { transport, url } = await setup(
      (request) =>
        new Promise<Response>((resolve) =>
          request.signal.addEventListener("abort", () => {
            aborted = true;
            resolve(new Response(null));
          }),
        ),
    );
    const started = performance.now();
    const error = await transport.send({ method: "POST", url: new URL(url), body: "{}", timeoutMs: 80, maxAnswerBytes: 100 }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(HttpTimeoutError);
    expect(describeError(error)).toBe("timeout after 80 ms");
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    await expect.poll(() => aborted).toBe(true);
  });
});

describe("transport failures, in one line each", () => {
  it("names a refused connection the same way over the kit's HTTP client and fetch", async () => {
    const server = await serve(async () => new Response(null));
    const url = new URL(`${server.url}/cb`);
    await server.close();
    for (const transport of [createHttpPoster(), createFetchTransport()]) {
      const error = await transport.send({ method: "POST", url, body: "{}", timeoutMs: 1000, maxAnswerBytes: 100 }).catch((reason: unknown) => reason);
      expect(describeError(error)).toBe("connection refused (ECONNREFUSED)");
      transport.close();
    }
  });

  it("fails with the error of a handler that throws, or ignores its abort signal", async () => {
    const throwing = createHandlerTransport(async () => {
      throw new Error("handler exploded");
    });
    const thrown = await throwing.send({ method: "POST", url: new URL(inProcessUrl), body: "{}", timeoutMs: 1000, maxAnswerBytes: 100 }).catch((reason: unknown) => reason);
    expect(describeError(thrown)).toBe("handler exploded");
    const deaf = createHandlerTransport(() => new Promise<Response>(() => {}));
    await expect(deaf.send({ method: "GET", url: new URL(inProcessUrl), timeoutMs: 50, maxAnswerBytes: 100 })).rejects.toBeInstanceOf(HttpTimeoutError);
  });

  it("refuses a header with a line break rather than send what follows it as a header of its own", async () => {
    const poster = createHttpPoster();
    const headers = { "X-Note": "a\r\nX-Injected: yes" };
    await expect(poster.send({ method: "GET", url: new URL("http://127.0.0.1:9/"), headers, timeoutMs: 1000, maxAnswerBytes: 100 })).rejects.toThrow(/line break/);
  });
});
