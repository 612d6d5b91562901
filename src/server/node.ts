import type { FetchHandler } from "../tiw/fetch-handler.js";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { allowedHostNames, hostNameOf } from "./allowed-host.js";
import { IncomingRequest } from "./incoming-request.js";
import { writeResponse } from "./write-response.js";

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
 * client leaves. Requests are made from Node's on first use (see `IncomingRequest`): hand one to
 * `fetch` or `new Request` as `request.clone()`.
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
  // A proxy's absolute URL or `*` names no resource here.
  if (!req.url?.startsWith("/")) return refuse(res, 400, "bad_request", "the request target must be a path");
  try {
    const request = new IncomingRequest(req, res, `http://${req.headers.host ?? gate.host}${req.url}`) as unknown as Request;
    await writeResponse(res, await handler(request));
  } catch (error) {
    // A body that fails once sent (an event-stream client too slow to keep) ends its connection, no more.
    if (res.headersSent) return void res.destroy();
    gate.onError(error);
    refuse(res, 500, "internal_error", "internal error");
  }
}

/** An error as one log line: control characters escaped, so a message cannot forge log lines. */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return JSON.stringify(text).slice(1, -1);
}
