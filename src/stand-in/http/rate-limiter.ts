/** Counts calls per key in one-second windows of the real clock, as Tencent's per-API limit does. */
export interface RateLimiter {
  /** Whether one more call of `key` fits in the current second; counts it when it does. */
  take(key: string): boolean;
}

/** Tencent's default limit for each TIW API. */
export const defaultRateLimit = 20;

export function createRateLimiter(perSecond: number, wallClock: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { second: number; count: number }>();
  return {
    take(key) {
      const second = Math.floor(wallClock() / 1000);
      const window = windows.get(key);
      if (!window || window.second !== second) {
        windows.set(key, { second, count: 1 });
        return true;
      }
      if (window.count >= perSecond) return false;
      window.count++;
      return true;
    },
  };
}
