const jsonHeaders = { "content-type": "application/json" };

/** Statuses whose answers have no body, which `Response` refuses a body for. */
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);

/**
 * A JSON answer that keeps its text and makes its body stream only when something reads it: the
 * Node adapter writes the text with its head in one write instead, and a stream costs more to make
 * and read than the JSON does. To everything else it is a `Response` like any other.
 */
class JsonResponse extends Response {
  readonly #text: string;
  #withBody: Response | undefined;

  constructor(text: string, init: ResponseInit) {
    if (nullBodyStatuses.has(init.status ?? 200)) throw new TypeError(`tiw-push-kit: a ${init.status} answer cannot have a body`);
    super(null, init);
    this.#text = text;
  }

  /** The text of `response` when it is a JsonResponse whose body nothing has read. */
  static textOf(response: Response): string | undefined {
    return #text in response && !response.bodyUsed ? response.#text : undefined;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    return this.#read().body;
  }

  override get bodyUsed(): boolean {
    return this.#withBody?.bodyUsed ?? false;
  }

  override text(): Promise<string> {
    return this.#read().text();
  }

  override json(): Promise<unknown> {
    return this.#read().json();
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#read().arrayBuffer();
  }

  override bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#read().bytes();
  }

  override blob(): Promise<Blob> {
    return this.#read().blob();
  }

  override formData(): Promise<FormData> {
    return this.#read().formData();
  }

  override clone(): Response {
    if (this.bodyUsed) throw new TypeError("tiw-push-kit: a Response whose body was read cannot be cloned");
    return new JsonResponse(this.#text, { status: this.status, statusText: this.statusText, headers: this.headers });
  }

  /** The same answer with its body as a stream, made on the first read. */
  #read(): Response {
    return (this.#withBody ??= new Response(this.#text, { headers: this.headers }));
  }
}

/**
 * `Response.json`, keeping its text for the server: see {@link JsonResponse}.
 */
export function jsonResponse(value: unknown, init: ResponseInit = {}): Response {
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) throw new TypeError("tiw-push-kit: the value is not JSON serializable");
  let headers: HeadersInit = jsonHeaders;
  if (init.headers) {
    headers = new Headers(init.headers);
    if (!headers.has("content-type")) headers.set("content-type", jsonHeaders["content-type"]);
  }
  return new JsonResponse(text, { ...init, headers });
}

/** The whole body of `response` when a server can send it without reading its stream. */
export const knownText = (response: Response): string | undefined => JsonResponse.textOf(response);
