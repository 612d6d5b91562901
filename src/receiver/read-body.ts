import { isBodyHeldToLength } from "../tiw/body-held-to-length.js";

/** The body was larger than allowed; answer 413. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`tiw-push-kit: request body exceeds the limit of ${limit} bytes`);
  }
}

/**
 * Reads a request body, stopping as soon as it passes `maxBytes`, so an oversized or endless
 * body costs no more than the limit. A body its server holds to a declared length within the limit
 * is read whole at once, which costs less than a stream.
 */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared)) {
    if (Number(declared) > maxBytes) throw new BodyTooLargeError(maxBytes);
    if (isBodyHeldToLength(request)) return new Uint8Array(await request.arrayBuffer());
  }
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body) {
    size += chunk.byteLength;
    // Throwing inside for-await cancels the stream, so the rest is never read.
    if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
    chunks.push(chunk);
  }
  // Joined without Buffer, so that the receiver runs on any runtime with Request and Response.
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
