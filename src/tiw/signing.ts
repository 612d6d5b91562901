import { createHash, timingSafeEqual } from "node:crypto";

const utf8 = new TextEncoder();

/**
 * The TIW callback signature: `md5(callbackKey + String(expireTime))` as lowercase hex.
 * The body is not covered; only the key and the expiry time are.
 *
 * @example
 * sign("Xz4ZgayTr7rMgWQrH", 1588040109); // "a2dabb362a9b811c0e26953a6276a41c"
 */
export function sign(callbackKey: string, expireTime: number): string {
  return createHash("md5").update(callbackKey + String(expireTime)).digest("hex");
}

/**
 * Whether `signature` is the TIW signature of `expireTime` under `callbackKey`, compared in
 * constant time. It does not look at the clock: expiry is the caller's check.
 */
export function verify(callbackKey: string, expireTime: number, signature: string): boolean {
  // TextEncoder rather than Buffer: the verifier entry runs where Node's globals may not exist.
  const expected = utf8.encode(sign(callbackKey, expireTime));
  const given = utf8.encode(signature);
  // timingSafeEqual throws on different lengths; a length is no secret.
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * A copy of `body` carrying `ExpireTime` and the `Sign` for it, as TIW sends an event at delivery
 * time. Any object, so that deliberately broken bodies can be signed too.
 */
export function withSignature<B extends object>(body: B, callbackKey: string, expireTime: number): B & { ExpireTime: number; Sign: string } {
  return { ...body, ExpireTime: expireTime, Sign: sign(callbackKey, expireTime) };
}
