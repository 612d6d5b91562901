/**
 * Start-up cost of the built CLI (`dist/`, so `npm run build` first): `--help` and `sign` against
 * `node -e 0`, run in turns. Figures are milliseconds per run, the median of each.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { median } from "./rounds.js";

const bin = fileURLToPath(new URL("../dist/src/cli/bin.js", import.meta.url));

export const coldStartCommands = {
  "node -e 0": ["-e", "0"],
  "--help": [bin, "--help"],
  sign: [bin, "sign", "--key", "bench-key", "--expire-time", "1700000000"],
} as const;

export type ColdStartCommand = keyof typeof coldStartCommands;

/** Milliseconds from spawning `node ARGS` to its exit; throws if it fails. */
export function millisOf(args: readonly string[]): number {
  const began = performance.now();
  const run = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
  if (run.status !== 0) throw new Error(`node ${args.join(" ")} exited with ${run.status}: ${run.stderr.toString()}`);
  return performance.now() - began;
}

/** Per command, its run times, ms, from `runs` runs of each in turns. */
export function benchColdStart(runs: number): Record<ColdStartCommand, number[]> {
  const names = Object.keys(coldStartCommands) as ColdStartCommand[];
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<ColdStartCommand, number[]>;
  for (const name of names) millisOf(coldStartCommands[name]);
  for (let run = 0; run < runs; run++) for (const name of names) times[name].push(millisOf(coldStartCommands[name]));
  return times;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [name, times] of Object.entries(benchColdStart(Number(process.env.BENCH_RUNS ?? 10)))) {
    process.stdout.write(`${name.padEnd(12)}${median(times).toFixed(0)} ms\n`);
  }
}
