/**
 * Peak memory of the built CLI's `generate --count N` (default 1 000 000), output thrown away: the
 * child reports its own peak RSS as it exits.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { peakRssMbOf, reportPeakRss } from "./peak-rss.js";

const bin = fileURLToPath(new URL("../dist/src/cli/bin.js", import.meta.url));

export interface GenerateMemory {
  count: number;
  peakRssMb: number;
  seconds: number;
}

export function benchGenerateMemory(count: number, nodeOptions: readonly string[] = []): GenerateMemory {
  const began = performance.now();
  const run = spawnSync(process.execPath, [...nodeOptions, ...reportPeakRss, bin, "generate", "--count", String(count), "--seed", "1", "--now", "1700000000"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const peakRssMb = peakRssMbOf(run.stderr.toString());
  if (run.status !== 0 || peakRssMb === undefined) throw new Error(`generate exited with ${run.status}: ${run.stderr.toString()}`);
  return { count, peakRssMb, seconds: (performance.now() - began) / 1000 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { count, peakRssMb, seconds } = benchGenerateMemory(Number(process.env.BENCH_COUNT ?? 1_000_000));
  process.stdout.write(`generate --count ${count}: peak RSS ${peakRssMb.toFixed(0)} MB, ${seconds.toFixed(1)} s\n`);
}
