import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus, xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";

/** A seeded source of random choices: the same seed always gives the same sequence. */
export interface Random {
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/** The 128-bit state of stream `stream` of a seed: every word hashed from both, none from a 32-bit digest of the two (that would repeat streams). */
function streamState(seed: number, stream: number): number[] {
  return [1, 2, 3, 4].map((word) => mix32(mix32(seed + Math.imul(word, 0x9e3779b9)) ^ mix32(Math.imul(stream, 0x85ebca6b) + word)));
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

/** murmur3's 32-bit finalizer: neighbouring inputs give unrelated outputs. */
function mix32(value: number): number {
  let hash = value | 0;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) | 0;
}

/**
 * A seeded source of random choices. With `stream`, one of many independent sources of the same
 * seed, reachable directly: the generator draws task N's facts from stream N without drawing the
 * tasks before it.
 */
export function createRandom(seed: number | string, stream?: number): Random {
  const rng = stream === undefined ? xoroshiro128plus(seedNumber(seed)) : xoroshiro128plusFromState(streamState(seedNumber(seed), stream));
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
