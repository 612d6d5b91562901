import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { bodyHeldToLength } from "../tiw/body-held-to-length.js";

const utf8 = new TextDecoder();

/**
 * The `Request` a handler gets from the Node adapter: method, URL, headers, signal and a whole
 * body (`text`, `json`, `arrayBuffer`, `bytes`) come straight from Node's request, each made on
 * first use. undici's own `Request` costs more to build than most handlers spend on their work, so
 * one is made only when a handler asks for what only it has (`clone`, `formData`, `mode`...), and
 * takes over from then on. It is a `Request` to `instanceof` and to every method, but not to
 * undici's own checks: `fetch(request)` and `new Request(request)` need `request.clone()`.
 */
export class IncomingRequest {
  /** Node's HTTP parser holds the body to its Content-Length: `readBody` reads it whole. */
  readonly [bodyHeldToLength] = true;
  readonly #incoming: IncomingMessage;
  readonly #response: ServerResponse;
  /** The URL as the client wrote it; `url` is it parsed and serialized, as undici's Request has it. */
  readonly #target: string;
  #url: string | undefined;
  #headers: Headers | undefined;
  #signal: AbortSignal | undefined;
  /** The body as a stream, once a handler asked for `body`. */
  #body: ReadableStream<Uint8Array> | undefined;
  /** The body was read whole, without a stream. */
  #read = false;
  #request: Request | undefined;

  constructor(incoming: IncomingMessage, response: ServerResponse, url: string) {
    this.#incoming = incoming;
    this.#response = response;
    this.#target = url;
  }

  get method(): string {
    return this.#incoming.method ?? "GET";
  }

  get url(): string {
    return (this.#url ??= new URL(this.#target).href);
  }

  get headers(): Headers {
    if (!this.#headers) {
      const headers = new Headers();
      const raw = this.#incoming.rawHeaders;
      for (let index = 0; index < raw.length; index += 2) headers.append(raw[index] ?? "", raw[index + 1] ?? "");
      this.#headers = headers;
    }
    return this.#headers;
  }

  /** Aborts when the connection closes: the client left, or the answer is done. */
  get signal(): AbortSignal {
    return (this.#signal ??= closeSignal(this.#response));
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#request || this.#read) return this.#real().body;
    if (!this.#hasBody()) return null;
    return (this.#body ??= bodyStream(this.#incoming));
  }

  get bodyUsed(): boolean {
    if (this.#request) return this.#request.bodyUsed;
    // Node's isDisturbed reads web streams too; its types name only Node's.
    return this.#read || (this.#body !== undefined && Readable.isDisturbed(this.#body as unknown as Readable));
  }

  text(): Promise<string> {
    return this.#whole((real) => real.text(), (bytes) => utf8.decode(bytes));
  }

  json(): Promise<unknown> {
    return this.#whole((real) => real.json(), (bytes) => JSON.parse(utf8.decode(bytes)) as unknown);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#whole((real) => real.arrayBuffer(), (bytes) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  }

  bytes(): Promise<Uint8Array> {
    return this.#whole((real) => real.bytes(), (bytes) => new Uint8Array(bytes));
  }

  #hasBody(): boolean {
    return this.method !== "GET" && this.method !== "HEAD";
  }

  /** The body read whole from Node's request; through undici's Request once a stream or a clone was handed out. */
  async #whole<T>(throughRequest: (request: Request) => Promise<T>, fromBytes: (bytes: Uint8Array) => T): Promise<T> {
    if (this.#request || this.#body || this.#read) return throughRequest(this.#real());
    if (!this.#hasBody()) return fromBytes(new Uint8Array());
    this.#read = true;
    return fromBytes(await readWhole(this.#incoming));
  }

  #real(): Request {
    if (this.#request) return this.#request;
    const init: RequestInit & { duplex?: "half" } = { method: this.method, headers: this.headers, signal: this.signal };
    if (this.#hasBody()) Object.assign(init, { body: this.#read ? "" : this.body, duplex: "half" });
    const request = new Request(this.url, init);
    // Read whole already: its body is used, as it would be on undici's Request.
    if (this.#read) void request.body?.cancel();
    return (this.#request = request);
  }

  static {
    // Every other member of Request (clone, formData, mode, duplex...) is undici's Request's.
    for (const [key, { get, value }] of Object.entries(Object.getOwnPropertyDescriptors(Request.prototype))) {
      if (key === "constructor" || Object.hasOwn(IncomingRequest.prototype, key)) continue;
      if (get) {
        Object.defineProperty(IncomingRequest.prototype, key, {
          configurable: true,
          get(this: IncomingRequest) {
            return Reflect.get(this.#real(), key) as unknown;
          },
        });
      } else if (typeof value === "function") {
        Object.defineProperty(IncomingRequest.prototype, key, {
          configurable: true,
          writable: true,
          value(this: IncomingRequest, ...args: unknown[]) {
            const real = this.#real();
            return (Reflect.get(real, key) as (...args: unknown[]) => unknown).apply(real, args);
          },
        });
      }
    }
    Object.setPrototypeOf(IncomingRequest.prototype, Request.prototype);
  }
}

/** Aborted when the response's connection closes (the client left or the answer is done), or already if it has. */
function closeSignal(res: ServerResponse): AbortSignal {
  if (res.closed) return AbortSignal.abort();
  const controller = new AbortController();
  res.once("close", () => controller.abort());
  return controller.signal;
}

const leftMessage = "the client left before its request body ended";

/** Whether the client left before its body ended, already: no event will say so again. */
function leftEarly(incoming: IncomingMessage): boolean {
  return !incoming.complete && (incoming.destroyed || incoming.readableAborted);
}

/** The whole body in one buffer; rejects when the client leaves (or has left) before its body ends. */
function readWhole(incoming: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    if (leftEarly(incoming)) return reject(new Error(leftMessage));
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.once("end", () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    incoming.once("error", reject);
    incoming.once("close", () => {
      if (!incoming.complete) reject(new Error(leftMessage));
    });
  });
}

/**
 * The request body as a web stream, lighter than `Readable.toWeb`: paused while the stream's queue
 * is full, an aborted upload (also one aborted before the stream was made) errors it, a cancel stops the upload.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (leftEarly(req)) return controller.error(new Error(leftMessage));
        req.on("data", (chunk: Buffer) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once("end", () => controller.close());
        req.once("error", (error) => controller.error(error));
        req.once("close", () => {
          if (!req.complete) controller.error(new Error(leftMessage));
        });
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
