import type { CheckResult } from "./check.js";
import type { ContractReport } from "./run-contract.js";

/** Characters XML 1.0 cannot hold at all, even escaped (control characters, lone surrogates). */
// eslint-disable-next-line no-control-regex -- the allowed set is defined by code points, tab and newlines included
const notXml = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** Text made safe for both XML content and attribute values. */
function escapeXml(text: string): string {
  return text.replace(notXml, "\uFFFD").replace(/[&<>"']/g, (char) => entities[char] ?? char);
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function details(result: CheckResult): string {
  const { evidence } = result;
  const lines = [result.message ?? "", ...(evidence ? [`sent: ${evidence.sent}`, `received: ${evidence.received}`, `expected: ${evidence.expected}`] : [])];
  return escapeXml(lines.join("\n"));
}

function testcase(result: CheckResult): string {
  const open = `    <testcase name="${escapeXml(result.name)}" classname="tiw-push-kit.contract" time="${seconds(result.durationMs)}">`;
  const message = escapeXml(result.message ?? "");
  switch (result.status) {
    case "pass":
      return `${open}</testcase>`;
    case "fail":
      return `${open}\n      <failure message="${message}" type="ContractViolation">${details(result)}</failure>\n    </testcase>`;
    case "skip":
      return `${open}\n      <skipped message="${message}"/>\n    </testcase>`;
    case "warn":
      return `${open}\n      <system-out>warning: ${details(result)}</system-out>\n    </testcase>`;
  }
}

/** The report as JUnit XML, one `testcase` per check, for CI systems. */
export function toJUnit(report: ContractReport): string {
  const tests = report.results.length;
  const time = seconds(report.results.reduce((sum, result) => sum + result.durationMs, 0));
  const counts = `tests="${tests}" failures="${report.failed}" errors="0" skipped="${report.skipped}" time="${time}"`;
  const properties = Object.entries({ target: report.target, level: report.level, seed: String(report.seed), budgetMs: String(report.budgetMs) })
    .map(([name, value]) => `      <property name="${name}" value="${escapeXml(value)}"/>`)
    .join("\n");
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="tiw-push-kit verify" ${counts}>`,
    `  <testsuite name="TIW whiteboard push receiver contract" ${counts}>`,
    "    <properties>",
    properties,
    "    </properties>",
    ...report.results.map(testcase),
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}

/** The JUnit of a run that could not start: one failing test case saying why, so a CI reporter never finds nothing. */
export function unreachableJUnit(target: string, message: string): string {
  return toJUnit({
    target,
    level: "basic",
    seed: "",
    budgetMs: 0,
    ok: false,
    complete: false,
    hints: [],
    passed: 0,
    failed: 1,
    warned: 0,
    skipped: 0,
    interrupted: false,
    results: [{ name: "reaches-receiver", description: "The receiver answers at all", level: "basic", optional: false, status: "fail", message, durationMs: 0 }],
  });
}
