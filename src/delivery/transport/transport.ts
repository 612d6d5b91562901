/** One HTTP request a transport sends. */
export interface TransportRequest {
  method: "GET" | "POST";
  url: URL;
  /** Sent byte for byte as UTF-8. */
  body?: string;
  headers?: Readonly<Record<string, string>>;
  /** For the whole exchange: from sending until the kept part of the answer's body is read. */
  timeoutMs: number;
  /** The answer's body is kept up to this many bytes; the rest is not kept. */
  maxAnswerBytes: number;
}

export interface TransportAnswer {
  status: number;
  /** The start of the answer's body, at most `maxAnswerBytes` bytes, as text. */
  body: string;
  /** Whether the body went on beyond `maxAnswerBytes`. */
  cut: boolean;
}

/**
 * How a request reaches a receiver: the kit's own HTTP/1.1 client, `fetch`, or a fetch handler
 * called in-process. The deliverer and the contract suite both send through one.
 */
export interface Transport {
  /**
   * Resolves with the answer, whatever its status. Rejects with `HttpTimeoutError` when no answer
   * came in time, or with what kept it from coming (`describeError` tells it in one line).
   */
  send(request: TransportRequest): Promise<TransportAnswer>;
  /** Closes idle and open connections, if it keeps any. */
  close(): void;
}
