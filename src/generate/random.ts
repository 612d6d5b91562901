import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/** A seeded source of random choices: the same seed always gives the same sequence. */
export interface Random {
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/** Turns any seed into the 32-bit integer pure-rand expects: numbers (also as text) as they are, other text by FNV-1a. */
function seedNumber(seed: number | string): number {
  const asNumber = Number(seed);
  if (Number.isSafeInteger(asNumber) && String(asNumber) === String(seed).trim()) return asNumber | 0;
  let hash = 0x811c9dc5;
  for (const char of String(seed)) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

export function createRandom(seed: number | string): Random {
  const rng = xoroshiro128plus(seedNumber(seed));
  // Resolution of chance(): one part in a million is finer than any rate a user can ask for.
  const scale = 1_000_000;
  return {
    int: (min, max) => uniformInt(rng, min, max),
    chance: (p) => p > 0 && uniformInt(rng, 0, scale - 1) < p * scale,
    pick: (items) => {
      const item = items[uniformInt(rng, 0, items.length - 1)];
      if (item === undefined) throw new Error("tiw-push-kit: pick() needs a non-empty list");
      return item;
    },
  };
}
