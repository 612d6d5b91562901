import { connect as connectTcp, isIP, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import { createResponseParser, type ResponseParser } from "./http-response-parser.js";
import { HttpTimeoutError } from "./http-timeout-error.js";
import type { Transport, TransportAnswer, TransportRequest } from "./transport.js";

interface HttpAnswer {
  statusCode: number;
  /** The first bytes of the body. */
  body: Buffer;
}

/** Idle connections older than this are not reused: servers commonly drop them after 5 s. */
const maxIdleMs = 4000;

interface Connection {
  send(request: string, timeoutMs: number, keepBodyBytes: number): Promise<HttpAnswer>;
  readonly idleSince: number;
  readonly usable: boolean;
  destroy(): void;
}

/** Where every plain-TCP connection reads; see `openConnection`. */
const readBuffer = Buffer.alloc(64 * 1024);

/** An idle connection found closed before the request was written: nothing left the process, another may carry it. */
class StaleConnectionError extends Error {}

/**
 * The kit's own HTTP/1.1 client, over keep-alive connections, one request per connection at a
 * time. It does only what a callback sender needs, which makes it cheaper per request than
 * `fetch` or undici (no WHATWG streams, one write per request). It is strict where a lenient
 * client would miscount: a request once written is never sent again silently (a connection that
 * closes without answering is a failed attempt, retried by the deliverer's policy and counted);
 * a connection is reused only after a complete 2xx answer with exact framing and nothing after
 * it; ambiguous framing is an error.
 */
export function createHttpPoster(): Transport {
  const idle = new Map<string, Connection[]>();
  const open = new Set<Connection>();

  function takeIdle(origin: string): Connection | undefined {
    const list = idle.get(origin);
    for (let connection = list?.pop(); connection; connection = list?.pop()) {
      if (connection.usable && performance.now() - connection.idleSince < maxIdleMs) return connection;
      connection.destroy();
    }
    return undefined;
  }

  function connect(url: URL): Connection {
    const connection = openConnection(url, {
      idle: () => {
        const list = idle.get(url.origin);
        if (list) list.push(connection);
        else idle.set(url.origin, [connection]);
      },
      closed: () => {
        open.delete(connection);
        const list = idle.get(url.origin);
        const index = list?.indexOf(connection) ?? -1;
        if (index >= 0) list?.splice(index, 1);
      },
    });
    open.add(connection);
    return connection;
  }

  function exchange(url: URL, request: string, timeoutMs: number, keepBodyBytes: number): Promise<HttpAnswer> {
    const reusable = takeIdle(url.origin);
    if (reusable) {
      try {
        return reusable.send(request, timeoutMs, keepBodyBytes);
      } catch (error) {
        if (!(error instanceof StaleConnectionError)) throw error;
      }
    }
    return connect(url).send(request, timeoutMs, keepBodyBytes);
  }

  // A run sends to one URL with one headers object: their part of the request is made once.
  let head: { href: string; headers: TransportRequest["headers"]; method: string; text: string } | undefined;
  function requestText(request: TransportRequest): string {
    const { method, url, body, headers } = request;
    if (head?.href !== url.href || head.headers !== headers || head.method !== method) head = { href: url.href, headers, method, text: headText(request) };
    return body === undefined ? `${head.text}\r\n` : `${head.text}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  }

  return {
    send(request) {
      const { url, timeoutMs, maxAnswerBytes } = request;
      try {
        // One byte more than is kept tells whether the body went on.
        return exchange(url, requestText(request), timeoutMs, maxAnswerBytes + 1).then((answer) => answerOf(answer, maxAnswerBytes));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    close() {
      for (const connection of open) connection.destroy();
      open.clear();
      idle.clear();
    },
  };
}

/** The request line and headers, without `Content-Length` and the blank line that ends them. */
function headText({ method, url, headers = {} }: TransportRequest): string {
  let head = `${method} ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: tiw-push-kit\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    // A line break would end the header early and smuggle in whatever follows it.
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new TypeError(`tiw-push-kit: header ${JSON.stringify(name)} contains a line break`);
    head += `${name}: ${value}\r\n`;
  }
  return head;
}

function answerOf({ statusCode, body }: HttpAnswer, maxBytes: number): TransportAnswer {
  return { status: statusCode, body: body.toString("utf8", 0, Math.min(body.length, maxBytes)), cut: body.length > maxBytes };
}

function openConnection(url: URL, pool: { idle(): void; closed(): void }): Connection {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const https = url.protocol === "https:";
  const port = Number(url.port) || (https ? 443 : 80);
  // Plain TCP reads into one shared buffer, without a readable stream's work per read; what is
  // read is copied out at once, so the buffer is free again when the callback returns.
  const socket: Socket = https
    ? connectTls({ host, port, ...(isIP(host) ? {} : { servername: host }) }).on("data", received)
    : connectTcp({ host, port, onread: { buffer: readBuffer, callback: readInto } });
  socket.setNoDelay(true);

  function readInto(bytes: number, buffer: Uint8Array): boolean {
    received(Buffer.from(buffer.subarray(0, bytes)));
    return true; // keep reading
  }

  let current: { resolve(answer: HttpAnswer): void; reject(error: unknown): void } | undefined;
  let parser: ResponseParser | undefined;
  let timer: NodeJS.Timeout | undefined;
  let idleSince = performance.now();
  let usable = true;

  function settle(): NonNullable<typeof current> | undefined {
    const exchange = current;
    current = undefined;
    parser = undefined;
    return exchange;
  }

  // One timer per connection, restarted at each request rather than made anew: when it fires with
  // no request waiting, that request was answered in time. Unref'd: a request in flight keeps the
  // process alive through its socket, an idle connection must not.
  let timerMs = 0;
  function armTimer(timeoutMs: number): void {
    if (timer && timerMs === timeoutMs) {
      timer.refresh();
      return;
    }
    clearTimeout(timer);
    timerMs = timeoutMs;
    timer = setTimeout(() => {
      if (current) fail(new HttpTimeoutError(timerMs));
    }, timeoutMs).unref();
  }

  function fail(error: unknown): void {
    const exchange = settle();
    destroy();
    exchange?.reject(error);
  }

  function destroy(): void {
    if (!usable) return;
    usable = false;
    clearTimeout(timer);
    socket.destroy();
    pool.closed();
  }

  function received(chunk: Buffer): void {
    if (!parser) return fail(new Error("data received without a request"));
    let response;
    try {
      response = parser.push(chunk) ?? parser.keptEnough();
    } catch (error) {
      return fail(error);
    }
    if (!response) return;
    // After an error answer a receiver may still send more (a late, unsolicited answer): such a connection is not reused.
    const keep = response.keepAlive && parser.leftover === 0 && response.statusCode >= 200 && response.statusCode < 300;
    settle()?.resolve(response);
    if (!keep) return destroy();
    idleSince = performance.now();
    // An idle connection must not keep the process alive.
    socket.unref();
    pool.idle();
  }
  socket.on("end", () => {
    const response = parser?.end();
    if (response) settle()?.resolve({ statusCode: response.statusCode, body: response.body });
    else fail(Object.assign(new Error("connection closed by the receiver before answering"), { code: "ECONNRESET" }));
  });
  socket.on("error", fail);
  socket.on("close", () => fail(Object.assign(new Error("connection closed by the receiver before answering"), { code: "ECONNRESET" })));

  return {
    get idleSince() {
      return idleSince;
    },
    get usable() {
      return usable;
    },
    destroy,
    send(request, timeoutMs, keepBodyBytes) {
      if (!usable) throw new StaleConnectionError("connection already closed");
      return new Promise<HttpAnswer>((resolve, reject) => {
        current = { resolve, reject };
        parser = createResponseParser(keepBodyBytes);
        socket.ref();
        armTimer(timeoutMs);
        socket.write(request);
      });
    },
  };
}
