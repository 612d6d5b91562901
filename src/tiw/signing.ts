import { createHash, timingSafeEqual } from "node:crypto";

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
  // Compared as the 16 digest bytes: no hex string or encoded copies to make per callback.
  const given = lowercaseHexBytes(signature, 16);
  // timingSafeEqual throws on different lengths; a length is no secret.
  return given !== undefined && timingSafeEqual(createHash("md5").update(callbackKey + String(expireTime)).digest(), given);
}

/** The bytes `text` spells in lowercase hex, if it spells exactly `length` of them that way. */
function lowercaseHexBytes(text: string, length: number): Uint8Array | undefined {
  if (text.length !== 2 * length) return undefined;
  const bytes = new Uint8Array(length);
  for (let index = 0; index < length; index++) {
    const high = hexDigit(text.charCodeAt(2 * index));
    const low = hexDigit(text.charCodeAt(2 * index + 1));
    if (high < 0 || low < 0) return undefined;
    bytes[index] = (high << 4) | low;
  }
  return bytes;
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/**
 * A copy of `body` carrying `ExpireTime` and the `Sign` for it, as TIW sends an event at delivery
 * time. Any object, so that deliberately broken bodies can be signed too.
 */
export function withSignature<B extends object>(body: B, callbackKey: string, expireTime: number): B & { ExpireTime: number; Sign: string } {
  return { ...body, ExpireTime: expireTime, Sign: sign(callbackKey, expireTime) };
}
