/**
 * The kit's HTTP edge (`src/server/node.ts`) against a plain `node:http` handler doing the same
 * DescribeWhiteboardPush-sized work and, when BENCH_PEERS names a folder where `@hono/node-server`
 * and `srvx` are installed, against those adapters. Each server runs in its own process; autocannon
 * loads them in turns for a few rounds. Run alone with `npm run bench:adapters`.
 *
 * Environment: BENCH_SECONDS per server and round (default 2), BENCH_ROUNDS (default 3),
 * BENCH_CONNECTIONS (default 16).
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { runAutocannon } from "./autocannon-run.js";
import { median } from "./rounds.js";

export interface EdgeFigures {
  /** Requests per second over all rounds. */
  rate: number;
  /** Median over rounds of the 99th-percentile latency, ms. */
  p99: number;
  /** Per round, requests per second. */
  rounds: number[];
}

const body = JSON.stringify({ SdkAppId: 1400000001, TaskId: "bench0task0id0000001", RoomId: 1000 });

async function startEdge(edge: string): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL("./adapter-server.ts", import.meta.url)), edge], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`the ${edge} server exited with ${code}`)));
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

export async function benchAdapters(rounds: number, seconds: number, connections: number): Promise<Record<string, EdgeFigures>> {
  const edges = ["node-http", "kit", "kit-plain-response", ...(process.env.BENCH_PEERS ? ["hono", "srvx"] : [])];
  const running = await Promise.all(edges.map(startEdge));
  try {
    for (const { url } of running) await runAutocannon(url, body, connections, 1);
    const perRound = edges.map(() => ({ requests: 0, seconds: 0, rates: [] as number[], p99s: [] as number[] }));
    for (let round = 0; round < rounds; round++) {
      for (const [index, { url }] of running.entries()) {
        const result = await runAutocannon(url, body, connections, seconds);
        if (result.errors > 0) throw new Error(`${edges[index]}: ${result.errors} errors`);
        const totals = perRound[index]!;
        totals.requests += result.requests;
        totals.seconds += result.requests / result.requestsPerSecond;
        totals.rates.push(result.requestsPerSecond);
        totals.p99s.push(result.p99);
      }
    }
    return Object.fromEntries(edges.map((edge, index) => {
      const totals = perRound[index]!;
      return [edge, { rate: totals.requests / totals.seconds, p99: median(totals.p99s), rounds: totals.rates }];
    }));
  } finally {
    for (const edge of running) edge.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchAdapters(Number(process.env.BENCH_ROUNDS ?? 3), Number(process.env.BENCH_SECONDS ?? 2), Number(process.env.BENCH_CONNECTIONS ?? 16));
  const floor = figures["node-http"]?.rate ?? 1;
  for (const [edge, { rate, p99 }] of Object.entries(figures)) {
    process.stdout.write(`${edge.padEnd(20)}${Math.round(rate)} requests/s  ${(rate / floor).toFixed(2)} x node:http  p99 ${p99} ms\n`);
  }
}
