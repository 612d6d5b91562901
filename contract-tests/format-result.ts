import type { CheckResult } from "./check.js";
import type { ContractReport } from "./run-contract.js";

const label: Record<CheckResult["status"], string> = { pass: "PASS", warn: "WARN", fail: "FAIL", skip: "SKIP" };

/** The evidence of a failure or warning, one indented line each for what was sent, received and expected. */
export function formatEvidence(result: CheckResult, indent = "      "): string {
  if (!result.evidence) return "";
  const { sent, received, expected } = result.evidence;
  return [`sent:     ${sent}`, `received: ${received}`, `expected: ${expected}`].map((line) => `${indent}${line}\n`).join("");
}

/** One line per check, followed by its evidence when it failed or warned. */
export function formatResult(result: CheckResult, nameWidth = 28): string {
  const detail = result.status === "pass" ? result.description : (result.message ?? result.description);
  const time = result.status === "skip" ? "" : ` (${result.durationMs} ms)`;
  return `${label[result.status]}  ${result.name.padEnd(nameWidth)}${detail}${time}\n${formatEvidence(result)}`;
}

/** The hints, then one line that never claims more than was checked. */
export function formatSummary(report: ContractReport): string {
  const parts = [`${report.passed} passed`, `${report.failed} failed`, `${report.warned} warned`, `${report.skipped} skipped`];
  const hints = report.hints.map((hint) => `hint: ${hint}\n`).join("");
  return `${hints}${report.results.length} checks: ${parts.join(", ")} — ${verdictOf(report)} (level ${report.level}, budget ${report.budgetMs} ms, seed ${report.seed})\n`;
}

function verdictOf(report: ContractReport): string {
  if (report.interrupted) return "interrupted";
  if (!report.ok) return "the receiver breaks the contract";
  if (report.complete) return "the receiver meets the contract";
  const reasons = [...new Set(report.results.filter((result) => result.status === "skip").map((result) => result.message ?? "skipped"))];
  return `no check failed, but ${report.skipped} did not run, so the contract is not verified in full (${reasons.join("; ")}; --require-all counts them as failures)`;
}
