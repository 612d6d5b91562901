/** Percentiles of many latencies in constant memory. */
export interface LatencyHistogram {
  add(latencyMs: number): void;
  /** The nearest-rank percentile `p` (0 to 100), within 0.05 % of the exact one; 0 when empty. */
  percentile(p: number): number;
}

/** Buckets per doubling: each is 0.07 % wide, so a bucket's middle is within 0.035 % of what fell in it. */
const perDoubling = 1024;
/** The first bucket's start: a microsecond. Shorter latencies count in it. */
const floorMs = 0.001;
/** Doublings above the floor: up to about 4.3 million ms (71 minutes), where longer ones count in the last bucket. */
const doublings = 32;

/**
 * Latencies counted in buckets of equal width on a log scale (135 KB however many attempts), in
 * place of a list of every latency: a run of millions of attempts kept 16 MB of them, and 16 more
 * to sort them. hdr-histogram-js does this and more, but takes 26 ms to load and brings three
 * dependencies (a WebAssembly loader among them).
 */
export function createLatencyHistogram(): LatencyHistogram {
  const counts = new Uint32Array(doublings * perDoubling);
  let total = 0;
  return {
    add(latencyMs) {
      const bucket = latencyMs > floorMs ? Math.floor(Math.log2(latencyMs / floorMs) * perDoubling) : 0;
      const index = Math.min(bucket, counts.length - 1);
      counts[index] = (counts[index] ?? 0) + 1;
      total += 1;
    },
    percentile(p) {
      if (total === 0) return 0;
      const rank = Math.max(1, Math.ceil((p / 100) * total));
      let seen = 0;
      for (let bucket = 0; bucket < counts.length; bucket++) {
        seen += counts[bucket] ?? 0;
        if (seen >= rank) return bucket === 0 ? 0 : floorMs * 2 ** ((bucket + 0.5) / perDoubling);
      }
      return floorMs * 2 ** doublings;
    },
  };
}
