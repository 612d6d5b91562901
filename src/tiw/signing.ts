import * as crypto from "node:crypto";

// The one-shot hash is a quarter of createHash's cost on a string this short; it came in Node 20.12,
// and the verifier entry also runs on older Nodes.
const md5Hex: (text: string) => string =
  typeof crypto.hash === "function" ? (text) => crypto.hash("md5", text) : (text) => crypto.createHash("md5").update(text).digest("hex");

/**
 * The TIW callback signature: `md5(callbackKey + String(expireTime))` as lowercase hex.
 * The body is not covered; only the key and the expiry time are.
 *
 * @example
 * sign("Xz4ZgayTr7rMgWQrH", 1588040109); // "a2dabb362a9b811c0e26953a6276a41c"
 */
export function sign(callbackKey: string, expireTime: number): string {
  return md5Hex(callbackKey + String(expireTime));
}

/**
 * Whether `signature` is the TIW signature of `expireTime` under `callbackKey`, compared in
 * constant time. It does not look at the clock: expiry is the caller's check.
 */
export function verify(callbackKey: string, expireTime: number, signature: string): boolean {
  const expected = sign(callbackKey, expireTime);
  // A length is no secret; the characters are compared all, without stopping at the first
  // difference, so the time taken tells nothing of how much of a forgery was right.
  if (signature.length !== expected.length) return false;
  let difference = 0;
  for (let index = 0; index < expected.length; index++) difference |= expected.charCodeAt(index) ^ signature.charCodeAt(index);
  return difference === 0;
}

/**
 * A copy of `body` carrying `ExpireTime` and the `Sign` for it, as TIW sends an event at delivery
 * time. Any object, so that deliberately broken bodies can be signed too.
 */
export function withSignature<B extends object>(body: B, callbackKey: string, expireTime: number): B & { ExpireTime: number; Sign: string } {
  return { ...body, ExpireTime: expireTime, Sign: sign(callbackKey, expireTime) };
}
