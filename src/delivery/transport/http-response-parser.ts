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
  /**
   * The response so far once as many body bytes as are kept are in, though more are coming: the
   * rest need not be read. The connection is then not reusable (`keepAlive` false).
   */
  keptEnough(): ParsedResponse | undefined;
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
  return new Parser(keepBodyBytes);
}

// A class rather than closures: one parser per response, so its creation must cost next to nothing.
class Parser implements ResponseParser {
  private pending: Buffer = empty;
  private state: State = "head";
  private statusCode = 0;
  private keepAlive = true;
  private remaining = 0;
  private kept: Buffer[] = [];
  private keptBytes = 0;

  constructor(private readonly keepBodyBytes: number) {}

  get leftover(): number {
    return this.pending.length;
  }

  push(chunk: Buffer): ParsedResponse | undefined {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    return this.state === "done" ? undefined : this.advance();
  }

  end(): ParsedResponse | undefined {
    return this.state === "until-close" ? this.complete() : undefined;
  }

  keptEnough(): ParsedResponse | undefined {
    if (this.state === "head" || this.state === "done" || this.keptBytes < this.keepBodyBytes) return undefined;
    this.keepAlive = false;
    return this.complete();
  }

  private advance(): ParsedResponse | undefined {
    for (;;) {
      switch (this.state) {
        case "head":
          if (!this.head()) return undefined;
          break;
        case "length":
          return this.takeBody() ? this.complete() : undefined;
        case "chunk-size": {
          const sizeLine = this.line(maxLineBytes);
          if (sizeLine === undefined) return undefined;
          const size = sizeLine.split(";")[0]?.trim() ?? "";
          if (!/^[0-9a-f]{1,12}$/i.test(size)) throw new HttpParseError(`chunk size ${JSON.stringify(sizeLine.slice(0, 40))}`);
          this.remaining = parseInt(size, 16);
          this.state = this.remaining === 0 ? "trailers" : "chunk-data";
          break;
        }
        case "chunk-data":
          if (!this.takeBody()) return undefined;
          this.state = "chunk-end";
          break;
        case "chunk-end":
          if (this.pending.length < 2) return undefined;
          if (this.pending[0] !== 13 || this.pending[1] !== 10) throw new HttpParseError("chunk not followed by CRLF");
          this.pending = this.pending.subarray(2);
          this.state = "chunk-size";
          break;
        case "trailers": {
          const trailer = this.line(maxHeadBytes);
          if (trailer === undefined) return undefined;
          if (trailer === "") return this.complete();
          break;
        }
        case "until-close":
          this.keep(this.pending);
          this.pending = empty;
          return undefined;
        case "done":
          return this.complete();
      }
    }
  }

  /** Reads the status line and headers; false until they are all in. */
  private head(): boolean {
    const end = this.pending.indexOf("\r\n\r\n");
    const seen = end < 0 ? this.pending.subarray(0, maxHeadBytes + 1) : this.pending.subarray(0, end);
    // A line ending in a bare LF is framed differently by different parsers (a smuggling vector): refused, as undici does.
    for (let lf = seen.indexOf(10); lf >= 0; lf = seen.indexOf(10, lf + 1)) {
      if (lf === 0 || seen[lf - 1] !== 13) throw new HttpParseError("a header line ends in a bare LF");
    }
    if (end < 0) {
      if (this.pending.length > maxHeadBytes) throw new HttpParseError(`headers longer than ${maxHeadBytes} bytes`);
      return false;
    }
    if (end > maxHeadBytes) throw new HttpParseError(`headers longer than ${maxHeadBytes} bytes`);
    const [statusLine = "", ...headerLines] = this.pending.toString("latin1", 0, end).split("\r\n");
    this.pending = this.pending.subarray(end + 4);
    const status = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(statusLine);
    if (!status) throw new HttpParseError(`status line ${JSON.stringify(statusLine.slice(0, 80))}`);
    const code = Number(status[2]);
    if (code >= 100 && code < 200) {
      if (code === 101) throw new HttpParseError("unexpected protocol switch (101)");
      return true; // an interim answer: the real one follows
    }
    let connection = "";
    let transferEncoding: string | undefined;
    let contentLength: string | undefined;
    for (const headerLine of headerLines) {
      const colon = headerLine.indexOf(":");
      // No whitespace may stand between a field name and its colon (RFC 9112): parsers disagree on such a header.
      if (colon <= 0 || !/^[!#$%&'*+.^_`|~0-9a-z-]+$/i.test(headerLine.slice(0, colon))) {
        throw new HttpParseError(`header line ${JSON.stringify(headerLine.slice(0, 80))}`);
      }
      const name = headerLine.slice(0, colon).toLowerCase();
      const value = headerLine.slice(colon + 1).trim();
      if (name === "connection") connection += `${value.toLowerCase()},`;
      else if (name === "transfer-encoding") transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
      else if (name === "content-length") contentLength = contentLength === undefined || contentLength === value ? value : "conflicting";
    }
    this.statusCode = code;
    this.keepAlive = status[1] === "1" ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
    // Ambiguous framing is an error, never a guess: that is how a response gets credited to the wrong request.
    if (transferEncoding !== undefined && contentLength !== undefined) throw new HttpParseError("both Transfer-Encoding and Content-Length");
    if (transferEncoding !== undefined && !/(^|,)\s*chunked\s*$/i.test(transferEncoding)) throw new HttpParseError(`Transfer-Encoding ${JSON.stringify(transferEncoding.slice(0, 40))} does not end in chunked`);
    if (code === 204 || code === 304) {
      this.state = "done";
    } else if (transferEncoding !== undefined) {
      this.state = "chunk-size";
    } else if (contentLength !== undefined) {
      if (!/^\d+$/.test(contentLength)) throw new HttpParseError(`Content-Length ${JSON.stringify(contentLength)}`);
      this.remaining = Number(contentLength);
      this.state = this.remaining === 0 ? "done" : "length";
    } else {
      this.keepAlive = false;
      this.state = "until-close";
    }
    return true;
  }

  /** Takes up to `remaining` body bytes; true when they are all in. */
  private takeBody(): boolean {
    const take = Math.min(this.remaining, this.pending.length);
    this.keep(this.pending.subarray(0, take));
    this.pending = this.pending.subarray(take);
    this.remaining -= take;
    return this.remaining === 0;
  }

  private line(limit: number): string | undefined {
    const end = this.pending.indexOf("\r\n");
    if (end < 0) {
      if (this.pending.length > limit) throw new HttpParseError(`line longer than ${limit} bytes`);
      return undefined;
    }
    const text = this.pending.toString("latin1", 0, end);
    this.pending = this.pending.subarray(end + 2);
    return text;
  }

  private keep(bytes: Buffer): void {
    if (this.keptBytes >= this.keepBodyBytes || bytes.length === 0) return;
    const slice = bytes.subarray(0, this.keepBodyBytes - this.keptBytes);
    this.kept.push(slice);
    this.keptBytes += slice.length;
  }

  private complete(): ParsedResponse {
    this.state = "done";
    const body = this.kept.length === 1 ? (this.kept[0] ?? empty) : Buffer.concat(this.kept);
    return { statusCode: this.statusCode, keepAlive: this.keepAlive, body };
  }
}
