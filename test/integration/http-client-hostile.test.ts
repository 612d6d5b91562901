import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createDeliverer } from "../../src/delivery/deliverer.js";
import { createHttpPoster } from "../../src/delivery/transport/http-poster.js";
import { generate } from "../../src/generate/generate.js";

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A raw TCP receiver: `onRequest` gets each complete request (head and Content-Length body) and the socket. */
async function rawReceiver(onRequest: (socket: Socket, index: number) => void): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    let buffered = "";
    socket.on("data", (chunk) => {
      buffered += chunk.toString("latin1");
      for (;;) {
        const headEnd = buffered.indexOf("\r\n\r\n");
        if (headEnd < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, headEnd))?.[1] ?? 0);
        if (buffered.length < headEnd + 4 + length) return;
        buffered = buffered.slice(headEnd + 4 + length);
        onRequest(socket, requests++);
      }
    });
    socket.on("error", () => {});
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/cb`, requests: () => requests };
}

const ok = "HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n{\"error_code\":0}".replace("15", String('{"error_code":0}'.length));
async function post(url: string) {
  const poster = createHttpPoster();
  try {
    return await poster.send({ method: "POST", url: new URL(url), body: "{}", timeoutMs: 2000, maxAnswerBytes: 200 });
  } finally {
    poster.close();
  }
}

describe("the kit's HTTP client against hostile receivers", () => {
  it("never re-sends a POST silently: a keep-alive connection closed after the request is a failed attempt, in the summary", async () => {
    // Answers the first request on each connection, reads the second and closes without answering.
    const receiver = await rawReceiver((socket, index) => (index % 2 === 0 ? socket.write(ok) : socket.destroy()));
    const attempts: number[] = [];
    const deliverer = createDeliverer({ target: receiver.url, retries: 0, onAttempt: (attempt) => attempts.push(attempt.statusCode ?? 0) });
    const events = generate({ count: 3, seed: 1, now: 1700000000 });
    for (const event of events) await deliverer.deliver(event);
    await deliverer.close();
    // Every POST that reached the receiver is an attempt the deliverer reports: none was sent twice unseen.
    expect(receiver.requests()).toBe(attempts.length);
    expect(attempts.length).toBe(events.length);
  });

  it("credits an answer only to the request it answers: a late, unsolicited 200 after a 500 is not a delivery", async () => {
    const receiver = await rawReceiver((socket) => {
      socket.write("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
      setTimeout(() => socket.writable && socket.write(ok), 1);
    });
    const statuses: number[] = [];
    const deliverer = createDeliverer({ target: receiver.url, retries: 0 });
    for (const event of generate({ count: 50, seed: 2, now: 1700000000 })) statuses.push((await deliverer.deliver(event)).statusCode ?? 0);
    await deliverer.close();
    expect(statuses.filter((status) => status === 200)).toEqual([]);
  });

  it.each([
    ["both Content-Length and Transfer-Encoding", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"],
    ["a Transfer-Encoding that is not chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc"],
    ["a bare-LF status line", "HTTP/1.1 200 OK\nContent-Length: 0\n\n"],
    ["whitespace before a header's colon", "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n"],
    ["headers larger than 64 KiB", `HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(70 * 1024)}\r\nContent-Length: 0\r\n\r\n`],
  ])("treats %s as an error, not as an answer", async (_, answer) => {
    const receiver = await rawReceiver((socket) => socket.write(answer));
    const started = performance.now();
    await expect(post(receiver.url)).rejects.toThrow(/invalid HTTP response/);
    // Refused as soon as it is seen, not after the timeout.
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
