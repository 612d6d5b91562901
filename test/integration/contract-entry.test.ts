import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));

// Loaded before anything else: resolving vitest or one of its packages fails, as where vitest is not installed.
const hideVitest = [
  'import { registerHooks } from "node:module";',
  "registerHooks({ resolve(specifier, context, next) {",
  '  if (/^(vitest|@vitest\\/)/.test(specifier)) throw new Error(`vitest is not installed: ${specifier}`);',
  "  return next(specifier, context);",
  "} });",
].join("\n");
const withoutVitest = ["--import", `data:text/javascript,${encodeURIComponent(hideVitest)}`];

/** Imports a module in a child process without vitest and returns the names it exports. */
async function exportsWithoutVitest(specifier: string): Promise<string[]> {
  const script = "const entry = await import(process.argv[1]); console.log(JSON.stringify(Object.keys(entry)));";
  const { stdout } = await run(process.execPath, [...withoutVitest, "--input-type=module", "-e", script, specifier], { cwd: root });
  return JSON.parse(stdout) as string[];
}

// `npm test` builds first; these check the compiled entries as an installed package resolves them.
describe("the contract entries without vitest installed", () => {
  it("tiw-push-kit/contract imports and gives the runner, the checks and the reports", async () => {
    const names = await exportsWithoutVitest("tiw-push-kit/contract");
    expect(names).toEqual(expect.arrayContaining(["runContract", "planChecks", "checks", "levels", "defaultBudgetMs", "formatResult", "formatSummary", "toJUnit"]));
    expect(names).not.toContain("defineReceiverContract");
  });

  it("tiw-push-kit/contract/vitest needs vitest, and gives defineReceiverContract", async () => {
    await expect(exportsWithoutVitest("tiw-push-kit/contract/vitest")).rejects.toMatchObject({ stderr: expect.stringContaining("vitest is not installed: vitest") });
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", 'console.log(typeof (await import("tiw-push-kit/contract/vitest")).defineReceiverContract)'], { cwd: root });
    expect(stdout).toBe("function\n");
  });

  it("the CLI runs verify without vitest", async () => {
    const { stdout } = await run(process.execPath, [...withoutVitest, "dist/src/cli/main.js", "verify", "--list"], { cwd: root });
    expect(stdout).toMatch(/^accepts-started\s/m);
  });
});
