import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

// Preloaded into the child: records the URL of every module it resolves and writes them at exit.
const recorder = [
  'import { registerHooks } from "node:module";',
  'import { writeFileSync } from "node:fs";',
  "const urls = new Set();",
  "registerHooks({ resolve(specifier, context, next) { const resolved = next(specifier, context); urls.add(resolved.url); return resolved; } });",
  'process.on("exit", () => writeFileSync(process.env.LOADED_MODULES_FILE, JSON.stringify([...urls])));',
].join("\n");

export interface ModulesRun {
  /** Every module URL the process resolved: `node:` built-ins and `file:` URLs. */
  urls: string[];
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node script ...args` and reports which modules it loaded, whatever its exit code. */
export async function loadedModules(script: string, args: string[], cwd: string): Promise<ModulesRun> {
  const file = join(mkdtempSync(join(tmpdir(), "tiw-push-kit-modules-")), "urls.json");
  const argv = ["--import", `data:text/javascript,${encodeURIComponent(recorder)}`, script, ...args];
  const result = await execFileAsync(process.execPath, argv, { cwd, env: { ...process.env, LOADED_MODULES_FILE: file } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
  return { ...result, urls: JSON.parse(readFileSync(file, "utf8")) as string[] };
}
