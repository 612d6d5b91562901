import { UsageError } from "./command.js";

/** Headers the kit writes itself: a user value for them would contradict the body it sends. */
const managed = new Set(["host", "content-type", "content-length", "transfer-encoding", "connection"]);
const token = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;

export const headerOption = {
  type: "string",
  valueName: "'NAME: VALUE'",
  multiple: true,
  description: "Extra request header on every callback, e.g. a gateway's token (repeatable)",
} as const;

/**
 * `--header 'Name: value'` flags as a header record; a malformed one, a line break, or a header
 * the kit writes itself is a usage error.
 *
 * @example
 * headerValues(["Authorization: Bearer abc"]); // { Authorization: "Bearer abc" }
 */
export function headerValues(raw: readonly string[] | undefined): Record<string, string> | undefined {
  if (raw === undefined || raw.length === 0) return undefined;
  const headers: Record<string, string> = {};
  for (const flag of raw) {
    const colon = flag.indexOf(":");
    const name = flag.slice(0, Math.max(colon, 0)).trim();
    const value = flag.slice(colon + 1).trim();
    if (colon <= 0 || !token.test(name)) throw new UsageError(`--header must be 'Name: value', got '${flag}'`);
    if (/[\r\n\0]/.test(value)) throw new UsageError(`--header ${name} must not contain a line break`);
    if (managed.has(name.toLowerCase())) throw new UsageError(`--header ${name} is written by tiw-push-kit itself`);
    headers[name] = value;
  }
  return headers;
}
