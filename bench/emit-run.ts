/**
 * One `tiw-push-kit emit` of `bench/emit.ts`: the built CLI (`dist/`, so `npm run build` first) in
 * a process of its own, as a user runs it, so that the whole command is timed from the process's
 * start to its exit (Node's start, loading the kit, opening the journal, planning, sending, the
 * summary) and its memory is its own.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { peakRssMbOf, reportPeakRss } from "./peak-rss.js";

const bin = fileURLToPath(new URL("../dist/src/cli/bin.js", import.meta.url));

export interface EmitRunResult {
  exitCode: number;
  /** From spawning the process to its exit. */
  wallMs: number;
  /** As `emit --json` prints it: `eventsPerSecond` is the delivery phase's rate. */
  summary: { sent: number; delivered: number; failed: number; eventsPerSecond: number };
  peakRssMb: number;
}

/** Runs `emit` sending `tasks` generated tasks (two events each) to `target` with `--concurrency`, journaled to `journal` (a fresh file). */
export function runEmit(target: string, tasks: number, concurrency: number, journal: string): Promise<EmitRunResult> {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build first`);
  const args = [...reportPeakRss, bin, "emit", "--target", target, "--key", "bench-key", "--count", String(tasks), "--concurrency", String(concurrency), "--journal", journal, "--json"];
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "" } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      const wallMs = performance.now() - started;
      try {
        resolve({ exitCode: code ?? -1, wallMs, summary: JSON.parse(stdout) as EmitRunResult["summary"], peakRssMb: peakRssMbOf(stderr) ?? Number.NaN });
      } catch {
        reject(new Error(`emit exited with ${code} and printed no summary: ${stdout.slice(0, 200)}${stderr.slice(0, 500)}`));
      }
    });
  });
}
