/**
 * The emitter side of `bench/emit.ts`, in its own process so that its memory is its own. Reads
 * `TASKS` lines on stdin; for each, runs `tiw-push-kit emit` in-process (signed, generated,
 * journaled to a fresh file) and prints one JSON line with the figures. The first line printed is
 * `ready`.
 *
 * Arguments: TARGET_URL CONCURRENCY JOURNAL_DIR
 */
import { join } from "node:path";
import { createInterface } from "node:readline";
import { run } from "../src/cli/main.js";
import type { Io, Output } from "../src/cli/shared/command.js";

const [target, concurrency, journalDir] = process.argv.slice(2);
if (!target || !concurrency || !journalDir) throw new Error("usage: emit-run.ts TARGET_URL CONCURRENCY JOURNAL_DIR");

export interface EmitRunResult {
  exitCode: number;
  wallMs: number;
  summary: { sent: number; delivered: number; failed: number; eventsPerSecond: number };
  peakRssMb: number;
}

let runs = 0;
async function emit(tasks: number): Promise<EmitRunResult> {
  let text = "";
  const stdout: Output = { write: (chunk) => ((text += chunk), true) };
  const io: Io = { stdout, stderr: process.stderr, stdin: process.stdin, env: {}, fetch: globalThis.fetch, interrupted: new Promise(() => {}) };
  const journal = join(journalDir!, `journal-${++runs}.db`);
  const argv = ["emit", "--target", target!, "--key", "bench-key", "--count", String(tasks), "--concurrency", concurrency!, "--journal", journal, "--json"];
  const started = performance.now();
  const exitCode = await run(argv, io);
  const wallMs = performance.now() - started;
  return { exitCode, wallMs, summary: JSON.parse(text), peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

process.stdout.write("ready\n");
for await (const line of createInterface({ input: process.stdin })) {
  process.stdout.write(JSON.stringify(await emit(Number(line))) + "\n");
}
