/**
 * The emitter side of `bench/emit.ts`, in its own process so that its memory is its own: runs
 * `tiw-push-kit emit` in-process (signed, generated, journaled) once to warm up, then once
 * measured, and prints one JSON line with the figures.
 *
 * Arguments: TARGET_URL TASKS CONCURRENCY JOURNAL_DIR
 */
import { join } from "node:path";
import { run } from "../src/cli/main.js";
import type { Io, Output } from "../src/cli/command.js";

const [target, tasks, concurrency, journalDir] = process.argv.slice(2);
if (!target || !tasks || !concurrency || !journalDir) throw new Error("usage: emit-run.ts TARGET_URL TASKS CONCURRENCY JOURNAL_DIR");

async function emit(taskCount: number, journal: string): Promise<{ exitCode: number; wallMs: number; summary: { sent: number; delivered: number; eventsPerSecond: number; failed: number } }> {
  let text = "";
  const stdout: Output = { write: (chunk) => ((text += chunk), true) };
  const io: Io = { stdout, stderr: process.stderr, stdin: process.stdin, env: {}, fetch: globalThis.fetch, interrupted: new Promise(() => {}) };
  const argv = ["emit", "--target", target!, "--key", "bench-key", "--count", String(taskCount), "--concurrency", concurrency!, "--journal", journal, "--json"];
  const started = performance.now();
  const exitCode = await run(argv, io);
  return { exitCode, wallMs: performance.now() - started, summary: JSON.parse(text) };
}

let peakHeap = 0;
const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 100);
await emit(Math.max(100, Math.round(Number(tasks) / 10)), join(journalDir, "warm-up.db"));
const measured = await emit(Number(tasks), join(journalDir, "journal.db"));
clearInterval(sampler);
process.stdout.write(
  JSON.stringify({ ...measured, peakRssMb: process.resourceUsage().maxRSS / 1024, peakHeapMb: peakHeap / 1024 / 1024 }) + "\n",
);
