/**
 * `npm run bench:readme`: writes the table of `bench/results.json` (made by `npm run bench`) into
 * README.md, between the `bench:start` and `bench:end` markers of its Performance section.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BenchReport } from "./run.js";

const readmePath = fileURLToPath(new URL("../README.md", import.meta.url));
const start = "<!-- bench:start (written by npm run bench:readme) -->";
const end = "<!-- bench:end -->";

export function performanceTable(report: BenchReport): string {
  const { machine } = report;
  const lines = [
    `Measured ${report.date} on ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, Node ${machine.node.replace(/^v/, "")}, ${machine.platform}, shared with other work.`,
    "Ratio is kit / anchor (above 1 is faster for rates; below 1 is better for times and sizes); spread is the lowest and highest ratio over the rounds.",
    "",
    "| figure | kit | anchor | ratio | spread | aim |",
    "|---|---|---|---|---|---|",
    ...report.figures.map((row) => `| ${row.figure} | ${row.kit} | ${row.anchor} | **${row.ratio.toFixed(2)}** | ${row.spread[0].toFixed(2)}–${row.spread[1].toFixed(2)} | ${row.aim} |`),
  ];
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = JSON.parse(readFileSync(fileURLToPath(new URL("./results.json", import.meta.url)), "utf8")) as BenchReport;
  const readme = readFileSync(readmePath, "utf8");
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) {
    process.stderr.write("tiw-push-kit: README.md has no bench:start / bench:end markers\n");
    process.exit(2);
  }
  writeFileSync(readmePath, `${readme.slice(0, from + start.length)}\n${performanceTable(report)}\n${readme.slice(to)}`);
}
