/**
 * The executable's entry point, built as CommonJS: a single executable application's main script
 * must be CommonJS and can load nothing but builtins. The CLI is an ES module (it awaits at top
 * level), so it is embedded as the asset `cli.mjs` and imported from a `data:` URL, from which it
 * may import builtins only: the bundle holds everything else.
 */
import { getAsset } from "node:sea";

// The CLI starts itself when argv[1] is its own file, which in the executable is the executable;
// argv[1] is otherwise the name it was called by, a bare name when it was found on PATH.
process.argv[1] = process.execPath;
const cli = Buffer.from(getAsset("cli.mjs")).toString("base64");
import(`data:text/javascript;base64,${cli}`).catch((error: unknown) => {
  // Node names the module by its whole data: URL (hundreds of KB of base64) in some messages: named by file instead.
  const text = (error instanceof Error ? (error.stack ?? error.message) : String(error)).replace(/data:text\/javascript;base64,[A-Za-z0-9+/=]+/g, "tiw-push-kit.mjs");
  process.stderr.write(`tiw-push-kit: the executable could not start: ${text}\n`);
  process.exitCode = 2;
});
