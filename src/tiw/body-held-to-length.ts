/**
 * Marks a `Request` whose transport holds its body to its `Content-Length`, as an HTTP server's
 * parser does: such a body can be read whole at once, which costs less than a stream. A Request
 * made in-process may declare less than it holds, and is read as a stream, within the limit.
 */
export const bodyHeldToLength = Symbol.for("tiw-push-kit.body-held-to-content-length");

export function isBodyHeldToLength(request: Request): boolean {
  return (request as Request & { [bodyHeldToLength]?: boolean })[bodyHeldToLength] === true;
}
