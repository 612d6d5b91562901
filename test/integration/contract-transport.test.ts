import { describe, expect, it } from "vitest";
import { handlerTransport, httpTransport } from "../../contract-tests/transport.js";
import { inProcessUrl } from "../../src/delivery/transport/handler-transport.js";
import { serve } from "../../src/server/node.js";

/** A body that never ends: one kilobyte after another. */
const endless = () =>
  new ReadableStream<Uint8Array>({
    pull: (controller) => controller.enqueue(new TextEncoder().encode("x".repeat(1024))),
  });

describe("contract transports", () => {
  it("answers a throwing handler with a 500 carrying its message, as the Node adapter does", async () => {
    const transport = handlerTransport(async () => {
      throw new Error("boom");
    });
    const exchange = await transport.send("POST", inProcessUrl, "{}", 1000);
    expect(exchange.answer).toEqual({ status: 500, body: JSON.stringify({ error: "internal_error", message: "boom" }) });
    expect(exchange).toMatchObject({ method: "POST", url: inProcessUrl, body: "{}" });
  });

  it("gives up on a handler that ignores the abort signal, at the timeout", async () => {
    let aborted = false;
    const transport = handlerTransport((request) => {
      request.signal.addEventListener("abort", () => (aborted = true));
      return new Promise<Response>(() => {});
    });
    const exchange = await transport.send("POST", inProcessUrl, "{}", 50);
    expect(exchange.timedOut).toBe(true);
    expect(exchange.answer).toBeUndefined();
    expect(exchange.ms).toBeGreaterThanOrEqual(45);
    expect(aborted).toBe(true);
  });

  it("reads at most 64 KiB of an answer, so an endless body ends the exchange", async () => {
    const transport = handlerTransport(async () => new Response(endless(), { status: 500 }));
    const exchange = await transport.send("POST", inProcessUrl, "{}", 5000);
    expect(exchange.timedOut).toBeUndefined();
    expect(exchange.answer?.status).toBe(500);
    expect(exchange.answer?.body).toMatch(/^x{65536,67584}… \(cut at 65536 bytes\)$/);
  });

  it("does the same over HTTP, and names the cause of a failed connection", async () => {
    // Finite: the Node adapter writes a handler's body to its end even after the client has gone.
    const megabyte = () => {
      let chunks = 0;
      return new ReadableStream<Uint8Array>({
        pull: (controller) => (chunks++ < 1024 ? controller.enqueue(new TextEncoder().encode("y".repeat(1024))) : controller.close()),
      });
    };
    const server = await serve(async () => new Response(megabyte()));
    try {
      const exchange = await httpTransport(server.url).send("GET", server.url, undefined, 5000);
      expect(exchange.answer?.body).toMatch(/… \(cut at 65536 bytes\)$/);
    } finally {
      await server.close();
    }
    const refused = await httpTransport(server.url).send("POST", server.url, "{}", 1000);
    expect(refused.error).toBe("connection refused (ECONNREFUSED)");
  });

  it("uses the injected fetch", async () => {
    const seen: string[] = [];
    const fakeFetch: typeof fetch = async (input, init) => {
      seen.push(`${init?.method} ${String(input)} ${String(init?.body)}`);
      return new Response("ok");
    };
    const exchange = await httpTransport("http://receiver.test/cb", fakeFetch).send("POST", "http://receiver.test/cb", '{"a":1}', 1000);
    expect(exchange.answer).toEqual({ status: 200, body: "ok" });
    expect(seen).toEqual(['POST http://receiver.test/cb {"a":1}']);
  });
});
