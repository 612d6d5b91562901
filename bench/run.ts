/**
 * `npm run bench`: every benchmark of the kit in one go, each figure against its anchor in the same
 * run, in alternated rounds. Prints one table and writes it to `bench/results.json`, from which
 * `npm run bench:readme` rewrites the README's Performance section.
 *
 * Environment: BENCH_PEERS, a folder where `@hono/node-server`, `srvx`, `standardwebhooks` and
 * `@octokit/webhooks-methods` are installed, adds those peers; BENCH_QUICK=1 runs shorter rounds.
 */
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { benchAdapters } from "./adapters.js";
import { benchColdStart } from "./cold-start.js";
import { benchEmit } from "./emit.js";
import { benchEmitMemory } from "./emit-memory.js";
import { benchGenerateMemory } from "./generate-memory.js";
import { median } from "./rounds.js";
import { benchServe } from "./serve.js";
import { benchVerify } from "./verify.js";
import { benchVerifyRun } from "./verify-run.js";

/** One line of the report. `ratio` is kit / anchor: above 1 is better for rates, below 1 for times and sizes. */
export interface Figure {
  figure: string;
  kit: string;
  anchor: string;
  ratio: number;
  /** Lowest and highest ratio over the rounds. */
  spread: [number, number];
  /** What the kit aims at, as a ratio. */
  aim: string;
}

export interface BenchReport {
  machine: { cores: number; cpu: string; memoryGb: number; node: string; platform: string };
  date: string;
  figures: Figure[];
}

const quick = process.env.BENCH_QUICK === "1";
const round = (value: number) => Math.round(value).toLocaleString("en-US");
const spreadOf = (ratios: number[]): [number, number] => [Math.min(...ratios), Math.max(...ratios)];
const figures: Figure[] = [];
const progress = (text: string) => process.stderr.write(`bench: ${text}\n`);

progress("emit against autocannon");
const emitRounds = await benchEmit(3, quick ? 1 : 3, 32);
for (const phase of ["delivery", "whole"] as const) {
  const ratios = emitRounds.map((measured) => measured[phase] / measured.autocannon);
  figures.push({
    figure: phase === "delivery" ? "emit, delivery phase (events/s)" : "emit, whole command (events/s)",
    kit: round(median(emitRounds.map((measured) => measured[phase]))),
    anchor: `autocannon ${round(median(emitRounds.map((measured) => measured.autocannon)))}`,
    ratio: median(ratios),
    spread: spreadOf(ratios),
    aim: phase === "delivery" ? ">= 1.0" : ">= 0.9",
  });
}

progress("emit's memory and first send at several sizes");
for (const tasks of quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000]) {
  const measured = await benchEmitMemory(tasks);
  const size = tasks.toLocaleString("en-US");
  figures.push(
    { figure: `emit --count ${size}, peak RSS (MB)`, kit: measured.peakRssMb.toFixed(0), anchor: "aim 150", ratio: measured.peakRssMb / 150, spread: [measured.peakRssMb / 150, measured.peakRssMb / 150], aim: "< 1" },
    { figure: `emit --count ${size}, first send (ms, process start included)`, kit: measured.firstSendMs.toFixed(0), anchor: "aim 200", ratio: measured.firstSendMs / 200, spread: [measured.firstSendMs / 200, measured.firstSendMs / 200], aim: "< 1" },
  );
}

progress("HTTP edges on DescribeWhiteboardPush-sized work");
const edgeFigureNames: Record<string, string> = {
  kit: "HTTP edge, the kit's adapter (requests/s, -c16)",
  "kit-plain-response": "HTTP edge, the kit's adapter, handler answering new Response (requests/s, -c16)",
};
const edges = await benchAdapters(3, quick ? 1 : 2, 16);
const floorEdge = edges["node-http"];
if (!floorEdge) throw new Error("no node:http figures");
for (const [edge, figures_] of Object.entries(edges)) {
  if (edge === "node-http") continue;
  const ratios = figures_.rounds.map((rate, index) => rate / (floorEdge.rounds[index] ?? rate));
  figures.push({
    figure: edgeFigureNames[edge] ?? `HTTP edge, ${edge} (requests/s, -c16)`,
    kit: `${round(figures_.rate)} (p99 ${figures_.p99} ms)`,
    anchor: `node:http ${round(floorEdge.rate)} (p99 ${floorEdge.p99} ms)`,
    ratio: figures_.rate / floorEdge.rate,
    spread: spreadOf(ratios),
    aim: edge === "kit" ? ">= 0.6, p99 < 5 ms" : "",
  });
}

progress("serve against prism mock");
const serve = await benchServe(4, quick ? 2 : 4, 16);
figures.push({
  figure: "serve, DescribeWhiteboardPush (requests/s, -c16)",
  kit: `${round(serve.describe.serveRate)} (p99 ${serve.describe.serveP99} ms)`,
  anchor: `prism mock ${round(serve.describe.prismRate)} (p99 ${serve.describe.prismP99} ms)`,
  ratio: serve.describe.serveRate / serve.describe.prismRate,
  spread: spreadOf(serve.describe.roundRatios),
  aim: ">= 5, p99 < 5 ms",
});
figures.push({
  figure: "serve, Start/Describe/Stop with callbacks (calls/s)",
  kit: round(serve.mix.serveRate),
  anchor: `prism mock ${round(serve.mix.prismRate)}`,
  ratio: serve.mix.serveRate / serve.mix.prismRate,
  spread: spreadOf(serve.mix.roundRatios),
  aim: "",
});

progress("CLI cold start");
const starts = benchColdStart(quick ? 5 : 15);
const bare = median(starts["node -e 0"]);
for (const command of ["--help", "sign"] as const) {
  const ratios = starts[command].map((millis, index) => millis / (starts["node -e 0"][index] ?? millis));
  figures.push({
    figure: `CLI cold start, ${command} (ms)`,
    kit: median(starts[command]).toFixed(0),
    anchor: `node -e 0 ${bare.toFixed(0)}`,
    ratio: median(starts[command]) / bare,
    spread: spreadOf(ratios),
    aim: "<= 1.3",
  });
}

progress("verify end to end");
const verifyRuns = await benchVerifyRun(quick ? 5 : 10);
const verifyRatios = verifyRuns.verify.map((millis, index) => millis / (verifyRuns.bare[index] ?? millis));
figures.push({
  figure: "verify against the reference receiver, whole run (ms)",
  kit: median(verifyRuns.verify).toFixed(0),
  anchor: `node -e 0 ${median(verifyRuns.bare).toFixed(0)}`,
  ratio: median(verifyRuns.verify) / median(verifyRuns.bare),
  spread: spreadOf(verifyRatios),
  aim: "< 350 ms",
});

progress("verifyCallback");
const verify = await benchVerify(5, quick ? 200 : 500);
const floorRate = verify.result.rates.floor ?? 1;
for (const [name, rate] of Object.entries(verify.result.rates)) {
  if (name === "floor") continue;
  const ratios = verify.result.rounds.map((rates) => (rates[name] ?? 0) / (rates.floor ?? 1));
  figures.push({
    figure: `${name === "verifyCallback" ? "verifyCallback" : `peer: ${name === "octokit" ? "@octokit/webhooks-methods" : name}`} (verifications/s, ${verify.payloadBytes}-byte body)`,
    kit: round(rate),
    anchor: `JSON.parse + md5 ${round(floorRate)}`,
    ratio: rate / floorRate,
    spread: spreadOf(ratios),
    aim: name === "verifyCallback" ? ">= 0.8" : "",
  });
}
progress("generate peak memory");
const count = quick ? 200_000 : 1_000_000;
const memory = benchGenerateMemory(count);
figures.push({
  figure: `generate --count ${count.toLocaleString("en-US")}, peak RSS (MB)`,
  kit: memory.peakRssMb.toFixed(0),
  anchor: "aim 100",
  ratio: memory.peakRssMb / 100,
  spread: [memory.peakRssMb / 100, memory.peakRssMb / 100],
  aim: "< 1",
});

const report: BenchReport = {
  machine: { cores: cpus().length, cpu: cpus()[0]?.model.trim() ?? "unknown", memoryGb: Math.round(totalmem() / 1024 ** 3), node: process.version, platform: process.platform },
  date: new Date().toISOString().slice(0, 10),
  figures,
};
writeFileSync(fileURLToPath(new URL("./results.json", import.meta.url)), JSON.stringify(report, null, 2) + "\n");

const header = ["figure", "kit", "anchor", "ratio", "spread", "aim"];
const table = [header, ...figures.map((row) => [row.figure, row.kit, row.anchor, row.ratio.toFixed(2), `${row.spread[0].toFixed(2)}-${row.spread[1].toFixed(2)}`, row.aim])];
const widths = header.map((_, column) => Math.max(...table.map((cells) => (cells[column] ?? "").length)));
process.stdout.write(table.map((cells) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ").trimEnd()).join("\n") + "\n");
