/** The text of each answer `jsonResponse` made, for servers to send as it is. */
const texts = new WeakMap<Response, string>();

const jsonHeaders = { "content-type": "application/json" };

/**
 * `Response.json`, remembering the text it sent: the Node adapter writes that text in one piece
 * with its length instead of reading it back through the body stream, which costs more than
 * making it.
 */
export function jsonResponse(value: unknown, init: ResponseInit = {}): Response {
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) throw new TypeError("tiw-push-kit: the value is not JSON serializable");
  let headers: HeadersInit = jsonHeaders;
  if (init.headers) {
    headers = new Headers(init.headers);
    if (!headers.has("content-type")) headers.set("content-type", jsonHeaders["content-type"]);
  }
  const response = new Response(text, { ...init, headers });
  texts.set(response, text);
  return response;
}

/** The whole body of `response` when a server can send it without reading its stream. */
export function knownText(response: Response): string | undefined {
  return response.bodyUsed ? undefined : texts.get(response);
}
