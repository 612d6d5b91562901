/** One HTTP/1.x response, as much of it as a callback sender needs. */
export interface ParsedResponse {
  statusCode: number;
  /** Whether the connection can carry the next request. */
  keepAlive: boolean;
  /** The first bytes of the body (the rest is read and dropped). */
  body: Buffer;
}

/** The bytes received are not an HTTP/1.x response. */
export class HttpParseError extends Error {
  constructor(message: string) {
    super(`invalid HTTP response: ${message}`);
  }
}

export interface ResponseParser {
  /** Feeds received bytes; returns the response once it is complete. */
  push(chunk: Buffer): ParsedResponse | undefined;
  /** The connection closed: completes a response whose body runs until the close. */
  end(): ParsedResponse | undefined;
  /** Bytes received after the complete response (a well-behaved server sends none). */
  readonly leftover: number;
}

const maxHeadBytes = 64 * 1024;
const maxLineBytes = 8 * 1024;
const empty = Buffer.alloc(0);

type State = "head" | "length" | "chunk-size" | "chunk-data" | "chunk-end" | "trailers" | "until-close" | "done";

/**
 * An incremental parser of one HTTP/1.0 or 1.1 response: status line and headers, then a body
 * framed by `Content-Length`, `Transfer-Encoding: chunked` or the end of the connection. Interim
 * 1xx responses are skipped. Bytes may arrive split anywhere.
 */
export function createResponseParser(keepBodyBytes = 1024): ResponseParser {
  let pending: Buffer = empty;
  let state: State = "head";
  let statusCode = 0;
  let keepAlive = true;
  let remaining = 0;
  const kept: Buffer[] = [];
  let keptBytes = 0;

  function keep(bytes: Buffer): void {
    if (keptBytes >= keepBodyBytes || bytes.length === 0) return;
    const slice = bytes.subarray(0, keepBodyBytes - keptBytes);
    kept.push(slice);
    keptBytes += slice.length;
  }

  function complete(): ParsedResponse {
    state = "done";
    return { statusCode, keepAlive, body: kept.length === 1 ? (kept[0] ?? empty) : Buffer.concat(kept) };
  }

  /** Takes up to `remaining` body bytes; true when they are all in. */
  function takeBody(): boolean {
    const take = Math.min(remaining, pending.length);
    keep(pending.subarray(0, take));
    pending = pending.subarray(take);
    remaining -= take;
    return remaining === 0;
  }

  function line(limit: number): string | undefined {
    const end = pending.indexOf("\r\n");
    if (end < 0) {
      if (pending.length > limit) throw new HttpParseError(`line longer than ${limit} bytes`);
      return undefined;
    }
    const text = pending.subarray(0, end).toString("latin1");
    pending = pending.subarray(end + 2);
    return text;
  }

  /** Reads the status line and headers; false until they are all in. */
  function head(): boolean {
    const end = pending.indexOf("\r\n\r\n");
    if (end < 0) {
      if (pending.length > maxHeadBytes) throw new HttpParseError(`headers longer than ${maxHeadBytes} bytes`);
      return false;
    }
    const [statusLine = "", ...headerLines] = pending.subarray(0, end).toString("latin1").split("\r\n");
    pending = pending.subarray(end + 4);
    const status = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(statusLine);
    if (!status) throw new HttpParseError(`status line ${JSON.stringify(statusLine.slice(0, 80))}`);
    const code = Number(status[2]);
    if (code >= 100 && code < 200) {
      if (code === 101) throw new HttpParseError("unexpected protocol switch (101)");
      return true; // an interim answer: the real one follows
    }
    const headers = new Map<string, string>();
    for (const headerLine of headerLines) {
      const colon = headerLine.indexOf(":");
      if (colon <= 0) throw new HttpParseError(`header line ${JSON.stringify(headerLine.slice(0, 80))}`);
      const name = headerLine.slice(0, colon).trim().toLowerCase();
      const value = headerLine.slice(colon + 1).trim();
      headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
    }
    statusCode = code;
    const connection = (headers.get("connection") ?? "").toLowerCase();
    keepAlive = status[1] === "1" ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
    const transferEncoding = headers.get("transfer-encoding");
    const contentLength = headers.get("content-length");
    if (code === 204 || code === 304) {
      state = "done";
    } else if (transferEncoding !== undefined && /(^|,)\s*chunked\s*$/i.test(transferEncoding)) {
      state = "chunk-size";
    } else if (contentLength !== undefined) {
      if (!/^\d+$/.test(contentLength)) throw new HttpParseError(`Content-Length ${JSON.stringify(contentLength)}`);
      remaining = Number(contentLength);
      state = remaining === 0 ? "done" : "length";
    } else {
      keepAlive = false;
      state = "until-close";
    }
    return true;
  }

  function advance(): ParsedResponse | undefined {
    for (;;) {
      switch (state) {
        case "head":
          if (!head()) return undefined;
          break;
        case "length":
          if (!takeBody()) return undefined;
          return complete();
        case "chunk-size": {
          const sizeLine = line(maxLineBytes);
          if (sizeLine === undefined) return undefined;
          const size = sizeLine.split(";")[0]?.trim() ?? "";
          if (!/^[0-9a-f]{1,12}$/i.test(size)) throw new HttpParseError(`chunk size ${JSON.stringify(sizeLine.slice(0, 40))}`);
          remaining = parseInt(size, 16);
          state = remaining === 0 ? "trailers" : "chunk-data";
          break;
        }
        case "chunk-data":
          if (!takeBody()) return undefined;
          state = "chunk-end";
          break;
        case "chunk-end":
          if (pending.length < 2) return undefined;
          if (pending[0] !== 13 || pending[1] !== 10) throw new HttpParseError("chunk not followed by CRLF");
          pending = pending.subarray(2);
          state = "chunk-size";
          break;
        case "trailers": {
          const trailer = line(maxHeadBytes);
          if (trailer === undefined) return undefined;
          if (trailer === "") return complete();
          break;
        }
        case "until-close":
          keep(pending);
          pending = empty;
          return undefined;
        case "done":
          return complete();
      }
    }
  }

  return {
    push(chunk) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      return state === "done" ? undefined : advance();
    },
    end() {
      return state === "until-close" ? complete() : undefined;
    },
    get leftover() {
      return pending.length;
    },
  };
}
