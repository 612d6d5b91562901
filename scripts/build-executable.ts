/**
 * `npm run build:executable`: the CLI as one Linux executable that needs no Node.js, for CI jobs of
 * receivers written in Go, Java, PHP or Python. Node's single executable applications: esbuild
 * bundles `src/cli/bin.ts` (the checked entry, which runs the CLI) into one ES module, Node writes it into a preparation blob next to a
 * small CommonJS main (`scripts/executable/sea-main.ts`), and postject injects the blob into a copy
 * of the Node binary running this script. Writes `dist-executable/tiw-push-kit-linux-<arch>`.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type BuildOptions } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = join(root, "dist-executable");
// Node's documented fuse: the byte after it tells the binary that a blob was injected.
const seaFuse = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

/** Runs a Node script with this Node, showing its output only when it fails: postject warns about every note section it cannot name. */
function runNodeQuietly(what: string, args: string[]): void {
  try {
    execFileSync(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`tiw-push-kit: ${what} failed:\n${String(stdout ?? "")}${String(stderr ?? "")}`, { cause: error });
  }
}

/** `entry` and everything it imports, lazily loaded modules included, as one file that imports only builtins. */
async function bundle(entry: string, outfile: string, options: BuildOptions): Promise<void> {
  await build({ entryPoints: [entry], outfile, bundle: true, splitting: false, platform: "node", target: "node24", logLevel: "warning", ...options });
}

/** Without its debug symbols the binary is about 18 MB smaller; binutils' strip is optional. */
function stripDebugSymbols(executable: string): void {
  try {
    execFileSync("strip", [executable], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    process.stderr.write(`tiw-push-kit: strip did not run (${(error as Error).message.split("\n")[0]}); the executable keeps its debug symbols\n`);
  }
}

/** The version `--version` prints: the package's, read at build time. */
function packageJsonVersion(): string {
  return (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
}

async function buildExecutable(): Promise<string> {
  if (process.platform !== "linux") throw new Error(`tiw-push-kit: build:executable builds Linux executables on Linux; this is ${process.platform}`);
  const postject = createRequire(import.meta.url).resolve("postject/dist/cli.js");
  const work = mkdtempSync(join(outDir, ".build-"));
  try {
    const cli = join(work, "cli.mjs");
    const main = join(work, "sea-main.cjs");
    const blob = join(work, "sea-prep.blob");
    // The CLI awaits at top level, so it stays an ES module; in it, `import.meta.url` is the executable.
    const executableUrl = join(root, "scripts", "executable", "executable-url.ts");
    // Stack traces name the bundle, not the whole `data:` URL it is imported from.
    const sourceUrl = "//# sourceURL=tiw-push-kit.mjs";
    await bundle(join(root, "src", "cli", "bin.ts"), cli, { format: "esm", inject: [executableUrl], define: { "import.meta.url": "executableUrl", TIW_PUSH_KIT_VERSION: JSON.stringify(packageJsonVersion()) }, footer: { js: sourceUrl } });
    await bundle(join(root, "scripts", "executable", "sea-main.ts"), main, { format: "cjs" });
    // The young generation the installed bin gives emit (see src/cli/bin.ts), for every command here.
    const config = { main, output: blob, assets: { "cli.mjs": cli }, disableExperimentalSEAWarning: true, execArgv: ["--max-semi-space-size=8"] };
    writeFileSync(join(work, "sea-config.json"), JSON.stringify(config));
    // The blob must come from the very Node it is injected into.
    runNodeQuietly("node --experimental-sea-config", ["--experimental-sea-config", join(work, "sea-config.json")]);
    // Made in the work folder and moved into place whole: a failed build leaves no plain Node behind under the executable's name.
    const made = join(work, "tiw-push-kit");
    copyFileSync(process.execPath, made);
    chmodSync(made, 0o755);
    stripDebugSymbols(made);
    runNodeQuietly("postject", [postject, made, "NODE_SEA_BLOB", blob, "--sentinel-fuse", seaFuse]);
    const executable = join(outDir, `tiw-push-kit-linux-${process.arch}`);
    renameSync(made, executable);
    return executable;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  const executable = await buildExecutable();
  const megabytes = (statSync(executable).size / 1e6).toFixed(1);
  process.stdout.write(`${relative(process.cwd(), executable)} (${megabytes} MB, Node ${process.version}, built in ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
