/**
 * `npm run bench:emit`: how close `emit` (signed, generated, journaled events) comes to the rate
 * autocannon reaches against the same minimal receiver, in the same run. The receiver runs in its
 * own process, autocannon here, the emitter in a child process of its own.
 *
 * Settings from the environment: BENCH_SECONDS (default 4) per side, BENCH_CONNECTIONS (default 32),
 * the same for autocannon's connections and emit's --concurrency.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { generate } from "../src/generate/generate.js";
import { runAutocannon } from "./autocannon-run.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Starts a TypeScript file in a child Node process (with the same loader) and reads its first stdout line. */
async function child(file: string, args: string[]): Promise<{ process: ChildProcess; firstLine: Promise<string> }> {
  const started = spawn(process.execPath, [...process.execArgv, here(file), ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: started.stdout! });
  const firstLine = new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    started.once("exit", (code) => reject(new Error(`${file} exited with ${code} before printing`)));
  });
  return { process: started, firstLine };
}

const receiver = await child("./minimal-receiver.ts", []);
const journalDir = mkdtempSync(join(tmpdir(), "tiw-push-kit-bench-"));
try {
  const target = await receiver.firstLine;
  const [fixed] = generate({ count: 1, seed: 1, callbackKey: "bench-key", now: Math.floor(Date.now() / 1000) });
  const body = JSON.stringify(fixed);

  await runAutocannon(target, body, connections, 1); // warm-up of the receiver
  const baseline = await runAutocannon(target, body, connections, seconds);
  if (baseline.errors > 0) throw new Error(`autocannon saw ${baseline.errors} errors`);

  // As many events as autocannon sent in the same time: two per task.
  const tasks = Math.max(500, Math.round((baseline.requestsPerSecond * seconds) / 2));
  const emitter = await child("./emit-run.ts", [target, String(tasks), String(connections), journalDir]);
  const result = JSON.parse(await emitter.firstLine) as {
    exitCode: number;
    wallMs: number;
    summary: { sent: number; delivered: number; failed: number; eventsPerSecond: number };
    peakRssMb: number;
    peakHeapMb: number;
  };
  if (result.exitCode !== 0 || result.summary.failed > 0) throw new Error(`emit failed: ${JSON.stringify(result)}`);

  const emitRate = (result.summary.sent * 1000) / result.wallMs;
  const rows: Array<[string, string]> = [
    ["receiver", "node:http, answers 200 {\"error_code\":0}, own process"],
    ["connections / --concurrency", String(connections)],
    ["autocannon (one fixed body)", `${Math.round(baseline.requestsPerSecond)} requests/s (${baseline.requests} in ${seconds} s)`],
    ["emit, whole command", `${Math.round(emitRate)} events/s (${result.summary.sent} in ${(result.wallMs / 1000).toFixed(2)} s, generation and journal included)`],
    ["emit, delivery phase", `${Math.round(result.summary.eventsPerSecond)} events/s`],
    ["ratio emit / autocannon", (emitRate / baseline.requestsPerSecond).toFixed(2)],
    ["emit peak memory", `${result.peakRssMb.toFixed(0)} MB RSS, ${result.peakHeapMb.toFixed(0)} MB heap`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  process.stdout.write(rows.map(([label, value]) => `${label.padEnd(width)}${value}`).join("\n") + "\n");
} finally {
  receiver.process.kill("SIGTERM");
  rmSync(journalDir, { recursive: true, force: true });
}
