import type { FetchHandler } from "../tiw/fetch-handler.js";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { allowedHostNames, hostNameOf } from "./allowed-host.js";

/** The one shape every server of the kit has: the TIW API stand-in, the reference receiver, mocks. */

export interface ServeOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1: nothing is exposed beyond this machine unless asked for. */
  host?: string;
  /** Host names accepted in `Host` besides loopback's and `host` (any other gets 421). */
  allowedHosts?: readonly string[];
  /** Told about a handler that threw; its message never reaches the client (default: one line on stderr). */
  onError?: (error: unknown) => void;
}

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:4010`. */
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Methods a fetch handler can be asked for; TRACE, CONNECT and the like get 405 here. */
const methods = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * Serves a fetch handler over Node's HTTP server. Only requests naming this server in `Host`
 * (loopback's names, the bound address, `allowedHosts`) reach the handler; a handler that throws
 * gets a 500 that says nothing of the error, never a crash. A request's `signal` aborts when its
 * client leaves.
 *
 * @example
 * const { url, close } = await serve(receiver.fetch, { port: 3000 });
 */
export async function serve(handler: FetchHandler, options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const gate: Gate = {
    host,
    allowed: allowedHostNames(host, options.allowedHosts),
    onError: options.onError ?? ((error) => process.stderr.write(`tiw-push-kit: a request failed inside the server: ${oneLine(error)}\n`)),
  };
  const server = createServer((req, res) => void respond(handler, gate, req, res));
  // Keep-alive sockets would hold close() open for their idle timeout.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface Gate {
  host: string;
  allowed: Set<string>;
  onError(error: unknown): void;
}

function refuse(res: ServerResponse, status: number, error: string, message: string): void {
  const body = JSON.stringify({ error, message });
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), connection: "close" });
  res.end(body);
}

async function respond(handler: FetchHandler, gate: Gate, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const hostName = hostNameOf(req.headers.host, gate.host);
  if (hostName === undefined) return refuse(res, 400, "bad_request", "the Host header is not a valid host name");
  if (!gate.allowed.has(hostName)) return refuse(res, 421, "misdirected_request", `this server answers only to ${[...gate.allowed].join(", ")}`);
  if (!methods.has(req.method ?? "")) return refuse(res, 405, "method_not_allowed", `method ${String(req.method).slice(0, 16)} is not allowed`);
  try {
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const headers: Array<[string, string]> = [];
    const raw = req.rawHeaders;
    for (let index = 0; index < raw.length; index += 2) headers.push([raw[index] ?? "", raw[index + 1] ?? ""]);
    const request = new NodeRequest(
      `http://${req.headers.host ?? gate.host}${req.url ?? "/"}`,
      { method: req.method, headers, ...(hasBody ? { body: bodyStream(req), duplex: "half" } : {}) },
      res,
    );
    const response = await handler(request);
    const responseHeaders = [...response.headers].flat();
    if (!response.body) {
      res.writeHead(response.status, responseHeaders);
      return void res.end();
    }
    const reader = response.body.getReader();
    const first = await reader.read();
    const pendingSecond = first.done ? Promise.resolve(first) : reader.read();
    // A body made whole (JSON, text) has ended within this turn; a stream (events) may wait long
    // for its next chunk, and its headers must not wait with it.
    const second = await Promise.race([pendingSecond, new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined)))]);
    if (second?.done) {
      // A body of one chunk, the usual JSON answer: one write, with its length, not chunked.
      if (first.value && !response.headers.has("content-length")) responseHeaders.push("content-length", String(first.value.byteLength));
      res.writeHead(response.status, responseHeaders);
      return void res.end(first.value);
    }
    res.writeHead(response.status, responseHeaders);
    if (!res.write(first.value ?? new Uint8Array()) && !res.destroyed) await drainedOrClosed(res);
    for (let chunk = await pendingSecond; !chunk.done; chunk = await reader.read()) {
      // Once the client is gone, stop pulling: an endless body would otherwise never end.
      if (res.destroyed) return void (await reader.cancel());
      if (!res.write(chunk.value)) await drainedOrClosed(res);
    }
    res.end();
  } catch (error) {
    // A body that fails once sent (an event-stream client too slow to keep) ends its connection, no more.
    if (res.headersSent) return void res.destroy();
    gate.onError(error);
    refuse(res, 500, "internal_error", "internal error");
  }
}

/**
 * A Request whose `signal` is made on first use: one given to undici's constructor costs more than
 * all the rest of the Request, and most handlers never look at it.
 */
class NodeRequest extends Request {
  readonly #response: ServerResponse;
  #signal: AbortSignal | undefined;

  constructor(url: string, init: RequestInit, response: ServerResponse) {
    super(url, init);
    this.#response = response;
  }

  /** The `signal` getter, installed over Request's own below: TypeScript sees `signal` as a field. */
  static lazySignal(this: NodeRequest): AbortSignal {
    return (this.#signal ??= closeSignal(this.#response));
  }
}
Object.defineProperty(NodeRequest.prototype, "signal", { get: NodeRequest.lazySignal, configurable: true });

/** Aborted when the response's connection closes (the client left or the answer is done), or already if it has. */
function closeSignal(res: ServerResponse): AbortSignal {
  if (res.closed) return AbortSignal.abort();
  const controller = new AbortController();
  res.once("close", () => controller.abort());
  return controller.signal;
}

/**
 * The request body as a web stream, lighter than `Readable.toWeb`: paused while the stream's queue
 * is full, an aborted upload errors it, a cancel stops the upload.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.on("data", (chunk: Buffer) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once("end", () => controller.close());
        req.once("error", (error) => controller.error(error));
      },
      pull() {
        req.resume();
      },
      cancel() {
        req.destroy();
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
}

/** An error as one log line: control characters escaped, so a message cannot forge log lines. */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return JSON.stringify(text).slice(1, -1);
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done).off("close", done);
      resolve();
    };
    res.on("drain", done).on("close", done);
  });
}
