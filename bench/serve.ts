/**
 * `npm run bench:serve`: throughput of `tiw-push-kit serve` against Prism mocking the same
 * operations of the same spec (`openapi/tiw-push-api.openapi.yaml`), in the same run, with the
 * same client. Prism validates each request and answers a static example. Each server runs in
 * its own process. Two figures:
 *
 * - DescribeWhiteboardPush requests/s (autocannon, one task described over and over): `serve`
 *   validates, finds the task and answers its state.
 * - Start/Describe/Stop calls/s (loops of the three calls): `serve` also runs the task state machine
 *   and delivers, signs and journals the Started and Stopped callbacks to a minimal receiver.
 *
 * The two sides take turns in BENCH_ROUNDS short rounds, so a neighbour's load hits both alike.
 *
 * Settings from the environment: BENCH_SECONDS (default 4) per side, BENCH_ROUNDS (default 4),
 * BENCH_CONNECTIONS (default 16).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { runAutocannon } from "./autocannon-run.js";
import { median } from "./rounds.js";
import { openJournal } from "../src/delivery/index.js";
import { stopChild } from "../scripts/stop-child.js";
import { freePort } from "../scripts/free-port.js";

const sdkAppId = 1400000001;
const path = (file: string) => fileURLToPath(new URL(file, import.meta.url));

interface Started {
  process: ChildProcess;
  stop(): Promise<void>;
}

function spawnStoppable(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Started {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env });
  // Drained, so a chatty child never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    process: child,
    stop: () => stopChild(child),
  };
}

/** Spawns a child process and resolves with it and the first output line matching `ready`. */
async function start(command: string, args: string[], ready: RegExp): Promise<Started & { match: RegExpExecArray }> {
  const { process: child, stop } = spawnStoppable(command, args);
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(" ")} did not start within 30 s`)), 30_000);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on("line", (line) => {
        const found = ready.exec(line);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      });
    }
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}`)));
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { process: child, stop, match };
}

async function untilListening(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await (await fetch(url)).arrayBuffer();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within 30 s`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}


// node:http with kept-alive sockets rather than fetch, which costs the client more than either server spends.
const agent = new Agent({ keepAlive: true });

async function call(url: string, action: string, body: object): Promise<Record<string, unknown>> {
  const text = await new Promise<string>((resolve, reject) => {
    const sent = JSON.stringify(body);
    const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(sent), "X-TC-Action": action, "X-TC-Version": "2019-09-19" };
    const client = request(url, { method: "POST", agent, headers }, (response) => {
      if (response.statusCode !== 200) reject(new Error(`${action}: HTTP ${response.statusCode}`));
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve(Buffer.concat(chunks).toString()));
    });
    client.on("error", reject);
    client.end(sent);
  });
  const { Response: answer } = JSON.parse(text) as { Response: Record<string, unknown> & { Error?: { Code: string } } };
  if (answer.Error) throw new Error(`${action}: ${answer.Error.Code}`);
  return answer;
}

/** `connections` clients each running Start, Describe, Stop in a loop for `durationSeconds`. */
async function load(url: string, durationSeconds: number, connections: number): Promise<{ callsPerSecond: number; calls: number; errors: number }> {
  const deadline = performance.now() + durationSeconds * 1000;
  let calls = 0;
  let errors = 0;
  let room = 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      try {
        const roomId = room++;
        const { TaskId } = await call(url, "StartWhiteboardPush", { SdkAppId: sdkAppId, RoomId: roomId, PushUserId: `tic_push_user_${roomId}_bench`, PushUserSig: "sig" });
        await call(url, "DescribeWhiteboardPush", { SdkAppId: sdkAppId, TaskId });
        await call(url, "StopWhiteboardPush", { SdkAppId: sdkAppId, TaskId });
        calls += 3;
      } catch {
        errors++;
      }
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: connections }, client));
  return { callsPerSecond: calls / ((performance.now() - began) / 1000), calls, errors };
}

/** One figure: each side's rate over all rounds and the per-round ratios. */
export interface Matchup {
  serveRate: number;
  prismRate: number;
  roundRatios: number[];
  /** Median over rounds of the 99th-percentile latency, ms (autocannon figures only). */
  serveP99?: number;
  prismP99?: number;
}

export interface ServeBench {
  describe: Matchup;
  mix: Matchup & { serveCalls: number; prismCalls: number };
  statuses: { delivered: number; pending: number; failed: number };
}

const describeHeaders = { "X-TC-Action": "DescribeWhiteboardPush", "X-TC-Version": "2019-09-19" };

/** DescribeWhiteboardPush of one task, `connections` at a time, each side `seconds` a round. */
async function describeMatchup(serveUrl: string, prismUrl: string, rounds: number, seconds: number, connections: number): Promise<Matchup> {
  const { TaskId } = await call(serveUrl, "StartWhiteboardPush", { SdkAppId: sdkAppId, RoomId: 1, PushUserId: "tic_push_user_1_bench", PushUserSig: "sig" });
  const body = JSON.stringify({ SdkAppId: sdkAppId, TaskId });
  // Both answer this body with a task, not an error (which Cloud API sends with HTTP 200 too).
  for (const url of [serveUrl, prismUrl]) await call(url, "DescribeWhiteboardPush", JSON.parse(body) as object);
  const sides = [serveUrl, prismUrl].map((url) => ({ url, requests: 0, seconds: 0, rates: [] as number[], p99s: [] as number[] }));
  for (const side of sides) await runAutocannon(side.url, body, connections, 1, describeHeaders);
  for (let round = 0; round < rounds; round++) {
    for (const side of sides) {
      const result = await runAutocannon(side.url, body, connections, seconds, describeHeaders);
      if (result.errors > 0) throw new Error(`DescribeWhiteboardPush on ${side.url}: ${result.errors} errors`);
      side.requests += result.requests;
      side.seconds += result.requests / result.requestsPerSecond;
      side.rates.push(result.requestsPerSecond);
      side.p99s.push(result.p99);
    }
  }
  const [serve, prism] = sides as [(typeof sides)[0], (typeof sides)[0]];
  return {
    serveRate: serve.requests / serve.seconds,
    prismRate: prism.requests / prism.seconds,
    roundRatios: serve.rates.map((rate, index) => rate / (prism.rates[index] ?? rate)),
    serveP99: median(serve.p99s),
    prismP99: median(prism.p99s),
  };
}

/** Start/Describe/Stop loops, `connections` at a time, each side `seconds` over all rounds. */
async function mixMatchup(serveUrl: string, prismUrl: string, rounds: number, seconds: number, connections: number): Promise<ServeBench["mix"]> {
  await load(serveUrl, 1, connections);
  await load(prismUrl, 1, connections);
  const totals = { serve: { calls: 0, seconds: 0 }, prism: { calls: 0, seconds: 0 } };
  const roundRatios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const serveRound = await load(serveUrl, seconds / rounds, connections);
    const prismRound = await load(prismUrl, seconds / rounds, connections);
    if (serveRound.errors > 0 || prismRound.errors > 0) throw new Error(`errors: serve ${serveRound.errors}, prism ${prismRound.errors}`);
    totals.serve.calls += serveRound.calls;
    totals.serve.seconds += serveRound.calls / serveRound.callsPerSecond;
    totals.prism.calls += prismRound.calls;
    totals.prism.seconds += prismRound.calls / prismRound.callsPerSecond;
    roundRatios.push(serveRound.callsPerSecond / prismRound.callsPerSecond);
  }
  return {
    serveRate: totals.serve.calls / totals.serve.seconds,
    prismRate: totals.prism.calls / totals.prism.seconds,
    roundRatios,
    serveCalls: totals.serve.calls,
    prismCalls: totals.prism.calls,
  };
}

/** Both figures, each in `rounds` alternating rounds of `connections` clients, `seconds` per side and figure. */
export async function benchServe(rounds: number, seconds: number, connections: number): Promise<ServeBench> {
  const receiver = await start(process.execPath, [...process.execArgv, path("./minimal-receiver.ts")], /^(http:\/\/\S+)$/);
  const journalDir = mkdtempSync(join(tmpdir(), "tiw-push-kit-bench-serve-"));
  const journalPath = join(journalDir, "journal.db");
  const running: Started[] = [receiver];
  try {
    const serve = await start(
      process.execPath,
      [
        ...process.execArgv,
        path("../src/cli/main.ts"),
        "serve",
        ...["--port", "0", "--rate-limit", "0", "--prepare-seconds", "0", "--journal", journalPath],
        ...["--callback", receiver.match[1] ?? "", "--callback-key", "bench-key"],
      ],
      /listening on (http:\/\/127\.0\.0\.1:\d+)\//,
    );
    running.push(serve);
    const prismPort = await freePort();
    // Quiet logging is Prism's fastest setting; its "listening" line is then silent too, so readiness is polled.
    const prism = spawnStoppable(
      process.execPath,
      [path("../node_modules/@stoplight/prism-cli/dist/index.js"), "mock", path("../openapi/tiw-push-api.openapi.yaml"), "-p", String(prismPort), "-h", "127.0.0.1", "-v", "error"],
      { ...process.env, SCARF_ANALYTICS: "false" },
    );
    running.push(prism);
    await untilListening(`http://127.0.0.1:${prismPort}/_kit/settings`);
    const serveUrl = `${serve.match[1]}/`;
    const prismUrl = `http://127.0.0.1:${prismPort}/`;

    const describe = await describeMatchup(serveUrl, prismUrl, rounds, Math.max(1, Math.round(seconds / rounds)), connections);
    const mix = await mixMatchup(serveUrl, prismUrl, rounds, seconds, connections);

    // Let the last callbacks land, then count what the journal holds.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await serve.stop();
    const journal = openJournal(journalPath);
    const statuses = journal.countByStatus();
    journal.close();

    return { describe, mix, statuses };
  } finally {
    await Promise.all(running.map((child) => child.stop()));
    rmSync(journalDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.env.BENCH_SECONDS ?? 4);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
  const { describe, mix, statuses } = await benchServe(rounds, seconds, connections);
  const ratio = ({ serveRate, prismRate, roundRatios }: Matchup) =>
    `${(serveRate / prismRate).toFixed(2)} (rounds: ${roundRatios.map((value) => value.toFixed(2)).join(", ")})`;
  const rows: Array<[string, string]> = [
    ["client", `${connections} connections, ${seconds} s per server and figure in ${rounds} alternating rounds`],
    ["Describe: serve", `${Math.round(describe.serveRate)} requests/s, p99 ${describe.serveP99} ms (validated, the task's state answered)`],
    ["Describe: prism mock", `${Math.round(describe.prismRate)} requests/s, p99 ${describe.prismP99} ms (request validation, static example)`],
    ["Describe: serve / prism", ratio(describe)],
    ["Start/Describe/Stop: serve", `${Math.round(mix.serveRate)} calls/s (${mix.serveCalls} calls; state machine, callbacks signed, delivered and journaled)`],
    ["serve callbacks", `${statuses.delivered} delivered, ${statuses.pending} pending, ${statuses.failed} failed (warm-up included)`],
    ["Start/Describe/Stop: prism", `${Math.round(mix.prismRate)} calls/s (${mix.prismCalls} calls)`],
    ["Start/Describe/Stop: serve / prism", ratio(mix)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  process.stdout.write(rows.map(([label, value]) => `${label.padEnd(width)}${value}`).join("\n") + "\n");
}
