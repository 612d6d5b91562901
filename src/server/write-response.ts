import type { ServerResponse } from "node:http";
import { knownText } from "../tiw/json-response.js";

/** The largest body of bytes copied into a string to go out with its head. */
const oneWriteBytes = 64 * 1024;

/**
 * Sends a fetch handler's answer over Node's response. A whole body goes out with the head in one
 * write, with its length, not chunked; a stream's head and first chunk go out at once and the
 * rest as it comes, until the client leaves.
 */
export async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: string[] = [];
  response.headers.forEach((value, name) => headers.push(name, value));
  const text = knownText(response);
  if (text !== undefined || !response.body) {
    if (text !== undefined && !response.headers.has("content-length")) headers.push("content-length", String(Buffer.byteLength(text)));
    res.writeHead(response.status, headers);
    return void res.end(text);
  }
  const reader = response.body.getReader();
  const first = await reader.read();
  const pendingSecond = first.done ? Promise.resolve(first) : reader.read();
  // A body made whole (text, bytes) has ended within this turn; a stream (events) may wait long
  // for its next chunk, and its head must not wait with it.
  const second = await Promise.race([pendingSecond, new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined)))]);
  if (second?.done) {
    const bytes = first.value ?? new Uint8Array();
    if (!response.headers.has("content-length")) headers.push("content-length", String(bytes.byteLength));
    res.writeHead(response.status, headers);
    // As a string, Node sends a body with its head in one write; as bytes, in two, which costs more
    // than copying a small body.
    if (bytes.byteLength > oneWriteBytes) return void res.end(bytes);
    return void res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1"), "latin1");
  }
  res.writeHead(response.status, headers);
  if (!res.write(first.value ?? new Uint8Array()) && !res.destroyed) await drainedOrClosed(res);
  for (let chunk = await pendingSecond; !chunk.done; chunk = await reader.read()) {
    // Once the client is gone, stop pulling: an endless body would otherwise never end.
    if (res.destroyed) return void (await reader.cancel());
    if (!res.write(chunk.value)) await drainedOrClosed(res);
  }
  res.end();
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
