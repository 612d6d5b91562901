import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const builtIndex = new URL("../../dist/src/index.js", import.meta.url).href;
const sqliteLoaded = `process.moduleLoadList.some((name) => name.endsWith(" sqlite"))`;

/** Runs an ES module script in a fresh `node` and returns what it printed as JSON. */
async function inFreshNode(script: string): Promise<unknown> {
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: root });
  return JSON.parse(stdout);
}

// `npm test` builds first; these check the compiled package as a user imports it.
describe("node:sqlite is loaded only where a journal is used", () => {
  it("not by importing the package and verifying a callback; by opening a journal", async () => {
    const loaded = await inFreshNode(`
      const kit = await import(${JSON.stringify(builtIndex)});
      const verifyTiwCallback = kit.createVerifier({ callbackKey: "k", sdkAppId: 1400000001 });
      const verified = verifyTiwCallback("{}");
      const before = ${sqliteLoaded};
      kit.openJournal(":memory:").close();
      console.log(JSON.stringify({ verified: verified.ok, before, after: ${sqliteLoaded} }));
    `);
    expect(loaded).toEqual({ verified: false, before: false, after: true });
  });

  it.each([[["--help"]], [["sign", "--key", "k", "--expire-time", "1"]], [["generate", "--count", "1", "--seed", "1"]], [["verify", "--help"]], [["emit", "--help"]]])(
    "not by the CLI's %j",
    async (argv) => {
      const hook = `data:text/javascript,process.on("exit", () => process.stderr.write("sqlite loaded: " + ${sqliteLoaded}))`;
      const { stderr } = await run(process.execPath, ["--import", hook, "dist/src/cli/main.js", ...argv], { cwd: root });
      expect(stderr).toContain("sqlite loaded: false");
    },
  );

  it("silences only SQLite's ExperimentalWarning while opening a journal, as Node 22 emits it", async () => {
    const warnings = await inFreshNode(`
      const seen = [];
      process.on("warning", (warning) => seen.push(warning.name + ": " + warning.message));
      // Node 22.13 to 22.x warn the first time node:sqlite is loaded; Node 24 does not: play Node 22.
      const getBuiltinModule = process.getBuiltinModule.bind(process);
      process.getBuiltinModule = (id) => {
        if (id === "node:sqlite" || id === "sqlite") {
          process.emitWarning("SQLite is an experimental feature and might change at any time", "ExperimentalWarning");
          process.emitWarning("something else is experimental", "ExperimentalWarning");
        }
        return getBuiltinModule(id);
      };
      const kit = await import(${JSON.stringify(builtIndex)});
      kit.openJournal(":memory:").close();
      process.emitWarning("a warning after the journal was opened");
      await new Promise((resolve) => setTimeout(resolve, 10));
      console.log(JSON.stringify(seen));
    `);
    expect(warnings).toEqual(["ExperimentalWarning: something else is experimental", "Warning: a warning after the journal was opened"]);
  });
});
