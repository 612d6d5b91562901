/**
 * `npm run bench:emit`: how close `emit` (signed, generated, journaled events) comes to the rate
 * autocannon reaches against the same minimal receiver, in the same run. The receiver runs in its
 * own process, autocannon in this one, each `emit` in a fresh process of the built CLI; the two
 * sides take turns for a few rounds and the median ratio is reported, since a shared machine is noisy.
 *
 * Environment: BENCH_SECONDS per side and round (default 3), BENCH_ROUNDS (default 3),
 * BENCH_CONNECTIONS (default 32): autocannon's connections and emit's --concurrency.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";
import { generate } from "../src/generate/generate.js";
import { runAutocannon } from "./autocannon-run.js";
import { median } from "./rounds.js";
import { runEmit, type EmitRunResult } from "./emit-run.js";


/** A TypeScript file run in a child Node process with this process's loader, read line by line. */
function child(file: string, args: string[]): { process: ChildProcess; lines: Interface; next(): Promise<string> } {
  const started = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL(file, import.meta.url)), ...args], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: started.stdout! });
  const queue: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  lines.on("line", (line) => (waiting.shift() ?? ((text: string) => queue.push(text)))(line));
  const exited = new Promise<never>((_, reject) => started.once("exit", (code) => reject(new Error(`${file} exited with ${code}`))));
  exited.catch(() => {});
  const next = () => Promise.race([queue.length ? Promise.resolve(queue.shift() ?? "") : new Promise<string>((resolve) => waiting.push(resolve)), exited]);
  return { process: started, lines, next };
}

export interface EmitRound {
  autocannon: number;
  whole: number;
  delivery: number;
  result: EmitRunResult;
}

/** Rounds of autocannon, then `emit` sending as many events, against the same minimal receiver. */
export async function benchEmit(rounds: number, seconds: number, connections: number): Promise<EmitRound[]> {
  const receiver = child("./minimal-receiver.ts", []);
  const journalDir = mkdtempSync(join(tmpdir(), "tiw-push-kit-bench-"));
  let runs = 0;
  try {
    const target = await receiver.next();
    const [fixed] = generate({ count: 1, seed: 1, callbackKey: "bench-key", now: Math.floor(Date.now() / 1000) });
    const body = JSON.stringify(fixed);
    const emitOnce = async (tasks: number): Promise<EmitRunResult> => {
      const result = await runEmit(target, tasks, connections, join(journalDir, `journal-${++runs}.db`));
      if (result.exitCode !== 0 || result.summary.failed > 0) throw new Error(`emit failed: ${JSON.stringify(result)}`);
      return result;
    };

    // Warm-up of the receiver and of autocannon (JIT, connections), not measured; each emit starts cold, as a user's does.
    const warm = await runAutocannon(target, body, connections, 1);
    await emitOnce(Math.round(warm.requestsPerSecond / 2));

    const measured: EmitRound[] = [];
    for (let round = 1; round <= rounds; round++) {
      const baseline = await runAutocannon(target, body, connections, seconds);
      if (baseline.errors > 0) throw new Error(`autocannon saw ${baseline.errors} errors`);
      // As many events as autocannon sent in the same time: two per task.
      const result = await emitOnce(Math.max(500, Math.round((baseline.requestsPerSecond * seconds) / 2)));
      measured.push({ autocannon: baseline.requestsPerSecond, whole: (result.summary.sent * 1000) / result.wallMs, delivery: result.summary.eventsPerSecond, result });
      process.stderr.write(
        `round ${round}: autocannon ${Math.round(baseline.requestsPerSecond)}/s, emit ${Math.round(measured.at(-1)?.whole ?? 0)} events/s whole, ${Math.round(result.summary.eventsPerSecond)} delivering\n`,
      );
    }

    return measured;
  } finally {
    receiver.process.kill("SIGTERM");
    rmSync(journalDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.env.BENCH_SECONDS ?? 3);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
  const measured = await benchEmit(rounds, seconds, connections);
  const rows: Array<[string, string]> = [
    ["receiver", "node:http, answers 200 {\"error_code\":0}, own process"],
    ["connections / --concurrency", String(connections)],
    ["rounds x seconds per side", `${rounds} x ${seconds} s (medians below)`],
    ["autocannon, one fixed body", `${Math.round(median(measured.map((m) => m.autocannon)))} requests/s`],
    ["emit, delivery phase", `${Math.round(median(measured.map((m) => m.delivery)))} events/s (as emit's summary reports)`],
    ["emit, whole command", `${Math.round(median(measured.map((m) => m.whole)))} events/s (from the process's start to its exit)`],
    ["ratio emit / autocannon", `${median(measured.map((m) => m.delivery / m.autocannon)).toFixed(2)} delivery phase, ${median(measured.map((m) => m.whole / m.autocannon)).toFixed(2)} whole command`],
    ["emit peak memory", `${Math.max(...measured.map((m) => m.result.peakRssMb)).toFixed(0)} MB RSS (${measured.at(-1)?.result.summary.sent ?? 0} events per run)`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  process.stdout.write(rows.map(([label, value]) => `${label.padEnd(width)}${value}`).join("\n") + "\n");
}
