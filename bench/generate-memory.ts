/**
 * Peak memory of the built CLI's `generate --count N` (default 1 000 000), output thrown away: the
 * child reports its own peak RSS as it exits.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../dist/src/cli/bin.js", import.meta.url));
const reportPeak = `data:text/javascript,process.on("exit",()=>process.stderr.write("peak-rss-kb "+process.resourceUsage().maxRSS+"\\n"))`;

export interface GenerateMemory {
  count: number;
  peakRssMb: number;
  seconds: number;
}

export function benchGenerateMemory(count: number, nodeOptions: readonly string[] = []): GenerateMemory {
  const began = performance.now();
  const run = spawnSync(process.execPath, [...nodeOptions, "--import", reportPeak, bin, "generate", "--count", String(count), "--seed", "1", "--now", "1700000000"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const peak = /peak-rss-kb (\d+)/.exec(run.stderr.toString());
  if (run.status !== 0 || !peak) throw new Error(`generate exited with ${run.status}: ${run.stderr.toString()}`);
  return { count, peakRssMb: Number(peak[1]) / 1024, seconds: (performance.now() - began) / 1000 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { count, peakRssMb, seconds } = benchGenerateMemory(Number(process.env.BENCH_COUNT ?? 1_000_000));
  process.stdout.write(`generate --count ${count}: peak RSS ${peakRssMb.toFixed(0)} MB, ${seconds.toFixed(1)} s\n`);
}
