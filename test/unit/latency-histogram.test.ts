import { describe, expect, it } from "vitest";
import { createLatencyHistogram } from "../../src/delivery/latency-histogram.js";
import { createRandom } from "../../src/generate/random.js";

/** The exact nearest-rank percentile of `values`. */
function exactPercentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] ?? 0;
}

describe("createLatencyHistogram", () => {
  it("gives every nearest-rank percentile within 0.05 % of the exact one, from sub-millisecond to minutes", () => {
    const random = createRandom(9);
    const values = Array.from({ length: 20_000 }, () => (random.int(1, 1_000_000) / 1000) * 10 ** random.int(-1, 2));
    const histogram = createLatencyHistogram();
    values.forEach((value) => histogram.add(value));
    for (const p of [1, 25, 50, 90, 95, 99, 99.9, 100]) {
      const exact = exactPercentile(values, p);
      expect(Math.abs(histogram.percentile(p) - exact) / exact, `p${p}`).toBeLessThan(0.0005);
    }
  });

  it("is 0 when empty, and for latencies under a microsecond", () => {
    const histogram = createLatencyHistogram();
    expect(histogram.percentile(50)).toBe(0);
    histogram.add(0);
    histogram.add(0.0004);
    expect(histogram.percentile(99)).toBe(0);
  });

  it("counts a latency beyond its range in its last bucket rather than losing it", () => {
    const histogram = createLatencyHistogram();
    histogram.add(5);
    histogram.add(1e12);
    expect(histogram.percentile(50)).toBeCloseTo(5, 2);
    expect(histogram.percentile(100)).toBeGreaterThan(4_000_000);
  });
});
