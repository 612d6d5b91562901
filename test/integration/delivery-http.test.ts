import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from "node:net";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpPoster } from "../../src/delivery/transport/http-poster.js";
import { HttpTimeoutError } from "../../src/delivery/transport/http-timeout-error.js";
import type { Transport } from "../../src/delivery/transport/transport.js";
import { createResponseParser, HttpParseError, type ParsedResponse } from "../../src/delivery/transport/http-response-parser.js";
import { refusedUrl, waitFor } from "../helpers/servers.js";

const crlf = (lines: string[]) => lines.join("\r\n");
const chunked = crlf(["HTTP/1.1 200 OK", "Transfer-Encoding: chunked", "", "5;ext=1", "hello", "7", " world!", "0", "Trailer: x", "", ""]);
const interim = crlf(["HTTP/1.1 100 Continue", "", "HTTP/1.1 103 Early Hints", "Link: </a>", "", "HTTP/1.1 201 Created", "Content-Length: 2", "", "ok"]);

function parseWhole(text: string, keep?: number): ParsedResponse | undefined {
  return createResponseParser(keep).push(Buffer.from(text, "latin1"));
}

/** POSTs `body` as a callback is posted, keeping up to 1 KiB of the answer. */
function post(poster: Transport, url: URL, body: string, timeoutMs: number) {
  return poster.send({ method: "POST", url, body, headers: { "Content-Type": "application/json" }, timeoutMs, maxAnswerBytes: 1024 });
}

describe("createResponseParser", () => {
  it("reads Content-Length, chunked and interim responses", () => {
    expect(parseWhole(crlf(["HTTP/1.1 200 OK", "Content-Type: application/json", "Content-Length: 16", "", '{"error_code":0}']))).toEqual({
      statusCode: 200,
      keepAlive: true,
      body: Buffer.from('{"error_code":0}'),
    });
    expect(parseWhole(chunked)).toEqual({ statusCode: 200, keepAlive: true, body: Buffer.from("hello world!") });
    expect(parseWhole(interim)).toMatchObject({ statusCode: 201, body: Buffer.from("ok") });
    expect(parseWhole(crlf(["HTTP/1.1 204 No Content", "", ""]))).toMatchObject({ statusCode: 204, body: Buffer.alloc(0) });
  });

  it("tells when the connection cannot be reused", () => {
    expect(parseWhole(crlf(["HTTP/1.1 500 Oops", "Connection: close", "Content-Length: 0", "", ""]))).toMatchObject({ statusCode: 500, keepAlive: false });
    expect(parseWhole(crlf(["HTTP/1.0 200 OK", "Content-Length: 0", "", ""]))).toMatchObject({ keepAlive: false });
    expect(parseWhole(crlf(["HTTP/1.0 200 OK", "Connection: keep-alive", "Content-Length: 0", "", ""]))).toMatchObject({ keepAlive: true });
    // Without a length the body runs until the server closes the connection.
    const untilClose = createResponseParser();
    expect(untilClose.push(Buffer.from(crlf(["HTTP/1.1 200 OK", "", "partial"])))).toBeUndefined();
    expect(untilClose.push(Buffer.from(" body"))).toBeUndefined();
    expect(untilClose.end()).toEqual({ statusCode: 200, keepAlive: false, body: Buffer.from("partial body") });
  });

  it("gives the same response however the bytes are split", () => {
    const full = Buffer.from(`${chunked}`, "latin1");
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: full.length - 1 }), { maxLength: 8 }), (cuts) => {
        const parser = createResponseParser();
        const points = [0, ...cuts.sort((a, b) => a - b), full.length];
        const results = points.slice(1).map((end, index) => parser.push(full.subarray(points[index], end)));
        expect(results.slice(0, -1).every((result) => result === undefined)).toBe(true);
        expect(results.at(-1)).toEqual({ statusCode: 200, keepAlive: true, body: Buffer.from("hello world!") });
      }),
    );
  });

  it("keeps only the first bytes of a large body and counts bytes after the response", () => {
    const parser = createResponseParser(4);
    expect(parser.push(Buffer.from(crlf(["HTTP/1.1 200 OK", "Content-Length: 10", "", "0123456789EXTRA"])))).toMatchObject({ body: Buffer.from("0123") });
    expect(parser.leftover).toBe(5);
  });

  it("gives the response so far once the kept bytes are in, and tells the connection cannot carry another", () => {
    const parser = createResponseParser(4);
    expect(parser.push(Buffer.from(crlf(["HTTP/1.1 200 OK", "Content-Length: 100", "", "01"])))).toBeUndefined();
    expect(parser.keptEnough()).toBeUndefined();
    expect(parser.push(Buffer.from("2345"))).toBeUndefined();
    expect(parser.keptEnough()).toEqual({ statusCode: 200, keepAlive: false, body: Buffer.from("0123") });
  });

  it.each([
    ["a status line that is not HTTP/1.x", "HTTP/2 200\r\n\r\n"],
    ["a protocol switch", "HTTP/1.1 101 Switching Protocols\r\n\r\n"],
    ["a header line without a colon", crlf(["HTTP/1.1 200 OK", "garbage", "", ""])],
    ["a bad Content-Length", crlf(["HTTP/1.1 200 OK", "Content-Length: -1", "", ""])],
    ["a bad chunk size", crlf(["HTTP/1.1 200 OK", "Transfer-Encoding: chunked", "", "zz", ""])],
    ["a chunk without its CRLF", crlf(["HTTP/1.1 200 OK", "Transfer-Encoding: chunked", "", "2", "abXY"])],
  ])("rejects %s", (_, text) => {
    expect(() => parseWhole(text)).toThrow(HttpParseError);
  });

  it("refuses endless headers", () => {
    const parser = createResponseParser();
    parser.push(Buffer.from("HTTP/1.1 200 OK\r\n"));
    expect(() => parser.push(Buffer.alloc(70 * 1024, "a"))).toThrow(/headers longer than/);
  });
});

describe("createHttpPoster", () => {
  const closers: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function httpServer(handler: Parameters<typeof createHttpServer>[1]): Promise<{ url: URL; server: Server; connections: () => number }> {
    const server = createHttpServer(handler);
    let connections = 0;
    server.on("connection", () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
    return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/callback?x=1`), server, connections: () => connections };
  }

  async function rawServer(onRequest: (socket: Socket, request: string) => void): Promise<{ url: URL; server: TcpServer }> {
    const server = createTcpServer((socket) => {
      let text = "";
      socket.on("data", (chunk) => {
        text += chunk.toString("latin1");
        const headEnd = text.indexOf("\r\n\r\n");
        const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? 0);
        if (headEnd >= 0 && text.length >= headEnd + 4 + length) {
          const request = text.slice(0, headEnd + 4 + length);
          text = text.slice(request.length);
          onRequest(socket, request);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const sockets = new Set<Socket>();
    server.on("connection", (socket) => sockets.add(socket));
    closers.push(() => new Promise<void>((resolve) => (sockets.forEach((socket) => socket.destroy()), server.close(() => resolve()))));
    return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`), server };
  }

  it("POSTs the body as JSON with the path, query and Host, and reuses one keep-alive connection", async () => {
    const received: Array<{ method?: string; url?: string; host?: string; type?: string; body: string }> = [];
    const { url, connections } = await httpServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        received.push({ method: request.method, url: request.url, host: request.headers.host, type: request.headers["content-type"], body });
        response.end('{"error_code":0}');
      });
    });
    const poster = createHttpPoster();
    closers.push(() => poster.close());
    for (let i = 0; i < 5; i++) expect(await post(poster, url, `{"n":${i},"text":"ünïcode"}`, 1000)).toEqual({ status: 200, body: '{"error_code":0}', cut: false });
    expect(received[4]).toEqual({ method: "POST", url: "/callback?x=1", host: url.host, type: "application/json", body: '{"n":4,"text":"ünïcode"}' });
    expect(connections()).toBe(1);
    await Promise.all(Array.from({ length: 4 }, () => post(poster, url, "{}", 1000)));
    expect(connections()).toBe(4);
  });

  it("reads chunked answers and opens a new connection after Connection: close", async () => {
    const { url, connections } = await httpServer((request, response) => {
      request.resume();
      request.on("end", () => {
        response.setHeader("connection", "close");
        response.write("part one, ");
        setTimeout(() => response.end("part two"), 5);
      });
    });
    const poster = createHttpPoster();
    closers.push(() => poster.close());
    expect(await post(poster, url, "{}", 1000)).toEqual({ status: 200, body: "part one, part two", cut: false });
    expect(await post(poster, url, "{}", 1000)).toMatchObject({ status: 200 });
    expect(connections()).toBe(2);
  });

  it("talks to an HTTP/1.0 server that ends the body by closing", async () => {
    const { url } = await rawServer((socket) => socket.end("HTTP/1.0 202 Accepted\r\nContent-Type: text/plain\r\n\r\nfine"));
    const poster = createHttpPoster();
    closers.push(() => poster.close());
    expect(await post(poster, url, "{}", 1000)).toEqual({ status: 202, body: "fine", cut: false });
    expect(await post(poster, url, "{}", 1000)).toMatchObject({ status: 202 });
  });

  it("never sends a request twice: a reused connection dropped after the request is a failed exchange, the next goes on a fresh one", async () => {
    const counts = { answered: 0, dropped: 0 };
    const requestsOn = new WeakMap<Socket, number>();
    const { url } = await rawServer((socket) => {
      const count = (requestsOn.get(socket) ?? 0) + 1;
      requestsOn.set(socket, count);
      // Keeps the connection open after the first answer, then drops it unanswered, as a server whose idle timeout just fired.
      if (count === 1) {
        counts.answered += 1;
        socket.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
      } else {
        counts.dropped += 1;
        socket.destroy();
      }
    });
    const poster = createHttpPoster();
    closers.push(() => poster.close());
    await expect(post(poster, url, "{}", 1000)).resolves.toMatchObject({ status: 200 });
    // The server got this request: sending it again silently would be a duplicate nobody counted.
    await expect(post(poster, url, "{}", 1000)).rejects.toMatchObject({ code: "ECONNRESET" });
    await expect(post(poster, url, "{}", 1000)).resolves.toMatchObject({ status: 200 });
    expect(counts).toEqual({ answered: 2, dropped: 1 });
  });

  it("fails with a timeout, a refused connection, a reset before the answer and a garbled answer", async () => {
    const poster = createHttpPoster();
    closers.push(() => poster.close());
    const silent = await rawServer(() => {});
    const timeout = await post(poster, silent.url, "{}", 50).catch((error: unknown) => error);
    expect(timeout).toBeInstanceOf(HttpTimeoutError);
    expect((timeout as Error).message).toBe("timeout after 50 ms");

    await expect(post(poster, new URL(await refusedUrl()), "{}", 1000)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    const reset = await rawServer((socket) => socket.destroy());
    await expect(post(poster, reset.url, "{}", 1000)).rejects.toMatchObject({ code: "ECONNRESET" });
    const garbled = await rawServer((socket) => socket.write("SMTP ready\r\n\r\n"));
    await expect(post(poster, garbled.url, "{}", 1000)).rejects.toThrow(/invalid HTTP response: status line/);
  });

  it("closes its connections on close()", async () => {
    const { url, server } = await httpServer((request, response) => request.resume().on("end", () => response.end()));
    const poster = createHttpPoster();
    await post(poster, url, "{}", 1000);
    const openConnections = () => new Promise<number>((resolve) => server.getConnections((_, count) => resolve(count)));
    expect(await openConnections()).toBe(1);
    poster.close();
    await waitFor(async () => (await openConnections()) === 0, 2000, "the server to see the connection closed");
  });
});

// A self-signed certificate for 127.0.0.1 and localhost, valid 2000-2099, for this test only.
const testKey = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg+sv9MSPdOYZS39oa
ScStINAfBjZ/WH/Emoo4u7mhEtyhRANCAARd9OVgEb6q9nw2dvFlRp63YGH3tol/
Ncu1CVqE5PujlCr9EL16RZUBn8lZn8wYNLqKd107/DVoDEHXHtC70w2E
-----END PRIVATE KEY-----
`;
const testCert = `-----BEGIN CERTIFICATE-----
MIIBZjCCAQ2gAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAlsb2NhbGhv
c3QwIBcNMDAwMTAxMDAwMDAwWhgPMjA5OTEyMzEwMDAwMDBaMBQxEjAQBgNVBAMM
CWxvY2FsaG9zdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABF305WARvqr2fDZ2
8WVGnrdgYfe2iX81y7UJWoTk+6OUKv0QvXpFlQGfyVmfzBg0uop3XTv8NWgMQdce
0LvTDYSjTjBMMBoGA1UdEQQTMBGHBH8AAAGCCWxvY2FsaG9zdDAPBgNVHRMBAf8E
BTADAQH/MB0GA1UdDgQWBBSlcRPbwGX8sPi15t9X8X0knSTImjAKBggqhkjOPQQD
AgNHADBEAiAYkSB7R9tHZ325kY7ycEggp94PfSTcTQ2hLNZYZGx5sQIgKcPfjqIX
WiBeaLSfka+1Mvi5lP9WOSPlMIajQKYFauU=
-----END CERTIFICATE-----
`;

describe("createHttpPoster over https", () => {
  it("checks the receiver's certificate, and posts once it is trusted", async () => {
    const server = createHttpsServer({ key: testKey, cert: testCert }, (request, response) => {
      request.resume();
      request.on("end", () => response.end('{"error_code":0}'));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const poster = createHttpPoster();
      await expect(post(poster, new URL(`https://127.0.0.1:${port}/cb`), "{}", 2000)).rejects.toMatchObject({ code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
      poster.close();

      // Trusted the way a user trusts a local certificate: NODE_EXTRA_CA_CERTS, read at start-up.
      const certificate = join(mkdtempSync(join(tmpdir(), "tiw-push-kit-tls-")), "cert.pem");
      writeFileSync(certificate, testCert);
      const script = [
        'import { createHttpPoster } from "./src/delivery/transport/http-poster.ts";',
        "const poster = createHttpPoster();",
        `for (const host of ["127.0.0.1", "localhost"]) {`,
        `  const answer = await poster.send({ method: "POST", url: new URL(\`https://\${host}:${port}/cb\`), body: "{}", timeoutMs: 2000, maxAnswerBytes: 1024 });`,
        "  console.log(answer.status, answer.body);",
        "}",
        "poster.close();",
      ].join("\n");
      const root = fileURLToPath(new URL("../..", import.meta.url));
      const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        cwd: root,
        env: { ...process.env, NODE_EXTRA_CA_CERTS: certificate },
      });
      expect(stdout).toBe('200 {"error_code":0}\n200 {"error_code":0}\n');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
