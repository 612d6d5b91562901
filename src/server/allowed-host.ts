/** The names every loopback server answers to. */
const loopbackNames = ["127.0.0.1", "localhost", "[::1]", "::1"];

/**
 * The host names a server accepts in `Host`: loopback's, the address it is bound to, and any the
 * user names. A page on another site that rebinds its DNS name to 127.0.0.1 still sends its own
 * name, so it is refused: that is what keeps the stand-in's secrets and controls local.
 */
export function allowedHostNames(boundHost: string, extra: readonly string[] = []): Set<string> {
  const bound = boundHost.includes(":") && !boundHost.startsWith("[") ? `[${boundHost}]` : boundHost;
  return new Set([...loopbackNames, bound, ...extra].map((name) => name.toLowerCase()));
}

/**
 * The host name of a `Host` header (no port), lower-cased; undefined when it is not a valid
 * `host[:port]`. A missing header (HTTP/1.0) counts as the bound host.
 */
export function hostNameOf(header: string | undefined, boundHost: string): string | undefined {
  if (header === undefined) return boundHost.toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(header.trim());
  return match?.[1]?.toLowerCase();
}
