#!/usr/bin/env node
// The installed `tiw-push-kit` command. It checks the Node.js version before loading anything, so
// that an older Node gets one line saying what to do instead of a module error and a stack trace:
// no static import, and only syntax that Node 16 parses. The floor is package.json's `engines`: the
// journal needs node:sqlite unflagged (22.13) and its DatabaseSync.isTransaction (22.16).
const floor = { major: 22, minor: 16 };
const youngGenerationFlag = "--max-semi-space-size=8";
const found = process.versions.node;
const [major = 0, minor = 0] = found.split(".").map(Number);

if (major < floor.major || (major === floor.major && minor < floor.minor)) {
  process.stderr.write(
    `tiw-push-kit needs Node.js >= ${floor.major}.${floor.minor} (found ${found}): install Node.js 24 LTS, or run it with npx -p node@24 -p tiw-push-kit tiw-push-kit ...\n`,
  );
  process.exitCode = 2;
} else {
  if (needsSmallYoungGeneration()) startAgainWithSmallYoungGeneration();
  const { main } = await import("./main.js");
  await main();
}

/**
 * Replaces this process (same pid, stdio and signals) by one with the flag, which only applies from
 * start-up. Returns only where Node cannot (Windows, where process.execve throws): the CLI then goes
 * on as it is. Preloads given in NODE_OPTIONS run again in the new process.
 */
function startAgainWithSmallYoungGeneration() {
  try {
    process.execve?.(process.execPath, [process.execPath, youngGenerationFlag, ...process.execArgv, ...process.argv.slice(1)], process.env);
  } catch {
    // Not supported here: the default young generation it is.
  }
}

/**
 * emit streams however many events at a steady allocation rate, and V8 then grows its young
 * generation to 128 MB, most of the process's memory. Semi-spaces of 8 MB keep emit's peak RSS
 * flat near 130 MB at no measured cost in speed (bench/emit-memory.ts); the flag cannot be set once
 * V8 runs, so emit starts again with it where Node can replace its own process (not on Windows),
 * unless a flag of the user's says otherwise.
 */
function needsSmallYoungGeneration() {
  // Asked of emit alone: the other commands start without looking further.
  if (process.argv[2] !== "emit") return false;
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
  if (given.some((flag) => flag.startsWith("--max-semi-space-size"))) return false;
  // The standalone executable takes no Node flags on its command line: its build sets them.
  return process.getBuiltinModule?.("node:sea")?.isSea() !== true;
}
