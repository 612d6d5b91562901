/**
 * The time rules of every callback the kit puts on the wire, in one place.
 *
 * - Validity follows the receiver's wall clock: a callback is signed when it leaves the process,
 *   with `ExpireTime` a window after the later of that moment and its own `Timestamp`, so it is
 *   never expired on arrival and `ExpireTime` is always after `Timestamp`.
 * - An `expired` forgery is expired on the wall clock, whatever a virtual clock says.
 * - Generated histories end at "now": no event is stamped after the moment it is sent unless a
 *   virtual clock the user asked for runs ahead.
 */

/** Seconds from signing to `ExpireTime`. Tencent documents no window for TIW; 300 s is the kit's choice. */
export const defaultExpireWindowSeconds = 300;

/** How far in the past an `expired` forgery's `ExpireTime` lies, on the wall clock. */
export const expiredForgeryAgeSeconds = 60;

/** Unix seconds of a Unix-milliseconds time. */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/**
 * `ExpireTime` of a callback signed at `signedAtSeconds` (wall clock): one window after the later of
 * that moment and the event's `Timestamp` (which a virtual clock may have put ahead).
 *
 * @example
 * expireTimeAt(1700000000, 1700000100, 300); // 1700000400
 */
export function expireTimeAt(timestamp: number, signedAtSeconds: number, windowSeconds: number = defaultExpireWindowSeconds): number {
  return Math.max(signedAtSeconds, timestamp) + windowSeconds;
}

/** `ExpireTime` of an `expired` forgery sent at `sentAtSeconds` (wall clock). */
export function expiredExpireTime(sentAtSeconds: number): number {
  return sentAtSeconds - expiredForgeryAgeSeconds;
}
