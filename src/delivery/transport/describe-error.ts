import { HttpTimeoutError } from "./http-timeout-error.js";

const networkErrors: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  UND_ERR_SOCKET: "connection closed by the receiver",
};

/** One line for a failed exchange or connection: a timeout, or a readable reason with its error code. */
export function describeError(error: unknown): string {
  if (error instanceof HttpTimeoutError) return error.message;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? (error as NodeJS.ErrnoException | undefined)?.code;
  if (code) return `${networkErrors[code] ?? (cause ?? (error as Error)).message} (${code})`;
  return error instanceof Error ? (cause?.message ?? error.message) : String(error);
}
