import { createServer, type AddressInfo, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpPoster } from "../../src/delivery/transport/http-poster.js";
import { HttpTimeoutError } from "../../src/delivery/transport/http-timeout-error.js";

const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

describe("createHttpPoster's timeout on a reused connection", () => {
  it("counts each request's timeout from its own send: answered ones never time out later, a silent one does", async () => {
    const timeoutMs = 150;
    // Per connection: the first request answered at once, the second after 100 ms, the third never.
    const answerDelays = [0, 100];
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      let requests = 0;
      socket.on("data", () => {
        const delay = answerDelays[requests++];
        if (delay !== undefined) setTimeout(() => socket.write(ok), delay);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise((resolve) => (sockets.forEach((socket) => socket.destroy()), server.close(resolve))));
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`);
    const poster = createHttpPoster();
    closers.push(() => poster.close());
    const post = () => poster.send({ method: "POST", url, body: "{}", timeoutMs, maxAnswerBytes: 100 });

    expect(await post()).toMatchObject({ status: 200 });
    // Idle for most of a timeout, then a request answered within its own: it must not fail on the first one's clock.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await post()).toMatchObject({ status: 200, body: "ok" });
    const sent = performance.now();
    const silent = await post().catch((error: unknown) => error);
    expect(silent).toBeInstanceOf(HttpTimeoutError);
    expect(performance.now() - sent).toBeGreaterThanOrEqual(timeoutMs - 5);
    expect(sockets.size).toBe(1);
  });
});
