#!/usr/bin/env node
// The installed `tiw-push-kit` command. It checks the Node.js version before loading anything, so
// that an older Node gets one line saying what to do instead of a module error and a stack trace:
// no static import, and only syntax that Node 16 parses. The floor is package.json's `engines`: the
// journal needs node:sqlite unflagged (22.13) and its DatabaseSync.isTransaction (22.16).
const floor = { major: 22, minor: 16 };
const found = process.versions.node;
const [major = 0, minor = 0] = found.split(".").map(Number);

if (major < floor.major || (major === floor.major && minor < floor.minor)) {
  process.stderr.write(
    `tiw-push-kit needs Node.js >= ${floor.major}.${floor.minor} (found ${found}): install Node.js 24 LTS, or run it with npx -p node@24 -p tiw-push-kit tiw-push-kit ...\n`,
  );
  process.exitCode = 2;
} else {
  const { main } = await import("./main.js");
  await main();
}
