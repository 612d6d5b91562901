/**
 * `npm run build:executable`: the CLI as one Linux executable that needs no Node.js, for CI jobs of
 * receivers written in Go, Java, PHP or Python. Node's single executable applications: esbuild
 * bundles `src/cli/main.ts` into one ES module, Node writes it into a preparation blob next to a
 * small CommonJS main (`scripts/executable/sea-main.ts`), and postject injects the blob into a copy
 * of the Node binary running this script. Writes `dist-executable/tiw-push-kit-linux-<arch>`.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type * as Esbuild from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = join(root, "dist-executable");
/** A folder where `npm i --prefix` installed esbuild and postject, when they are not dev dependencies. */
const toolsVariable = "TIW_EXECUTABLE_TOOLS";
const toolVersions = { esbuild: "0.28.2", postject: "1.0.0-alpha.6" };
// Node's documented fuse: the byte after it tells the binary that a blob was injected.
const seaFuse = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

/** Where a build tool's `file` is: in the project's node_modules, else in the folder named by `TIW_EXECUTABLE_TOOLS`. */
function resolveTool(name: keyof typeof toolVersions, file: string = name): string {
  const tools = process.env[toolsVariable];
  for (const from of [root, ...(tools ? [tools] : [])]) {
    try {
      return createRequire(join(from, "package.json")).resolve(file);
    } catch {
      // Not installed there: try the next place.
    }
  }
  throw new Error(`tiw-push-kit: ${name} is not installed: add it as a dev dependency, or run 'npm i --prefix DIR ${name}@${toolVersions[name]}' and set ${toolsVariable}=DIR`);
}

/** Runs a Node script with this Node, showing its output only when it fails: postject warns about every note section it cannot name. */
function runNodeQuietly(what: string, args: string[]): void {
  try {
    execFileSync(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`tiw-push-kit: ${what} failed:\n${String(stdout ?? "")}${String(stderr ?? "")}`, { cause: error });
  }
}

/** The CLI and everything it imports, lazily loaded modules included, as one ES module that imports only builtins. */
async function bundleCli(esbuild: typeof Esbuild, outfile: string): Promise<void> {
  await esbuild.build({
    entryPoints: [join(root, "src", "cli", "main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    splitting: false,
    inject: [join(root, "scripts", "executable", "executable-url.ts")],
    define: { "import.meta.url": "executableUrl" },
    logLevel: "warning",
  });
}

/** The executable's CommonJS main, which imports the bundle from the blob's assets. */
async function bundleSeaMain(esbuild: typeof Esbuild, outfile: string): Promise<void> {
  await esbuild.build({
    entryPoints: [join(root, "scripts", "executable", "sea-main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node24",
    logLevel: "warning",
  });
}

/** Without its debug symbols the binary is about 18 MB smaller; binutils' strip is optional. */
function stripDebugSymbols(executable: string): void {
  try {
    execFileSync("strip", [executable], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    process.stderr.write(`tiw-push-kit: strip did not run (${(error as Error).message.split("\n")[0]}); the executable keeps its debug symbols\n`);
  }
}

async function buildExecutable(): Promise<string> {
  if (process.platform !== "linux") throw new Error(`tiw-push-kit: build:executable builds Linux executables on Linux; this is ${process.platform}`);
  const esbuild = createRequire(import.meta.url)(resolveTool("esbuild")) as typeof Esbuild;
  const postject = resolveTool("postject", "postject/dist/cli.js");
  const work = mkdtempSync(join(outDir, ".build-"));
  try {
    const cli = join(work, "cli.mjs");
    const main = join(work, "sea-main.cjs");
    const blob = join(work, "sea-prep.blob");
    await bundleCli(esbuild, cli);
    await bundleSeaMain(esbuild, main);
    const config = { main, output: blob, assets: { "cli.mjs": cli }, disableExperimentalSEAWarning: true };
    writeFileSync(join(work, "sea-config.json"), JSON.stringify(config));
    // The blob must come from the very Node it is injected into.
    runNodeQuietly("node --experimental-sea-config", ["--experimental-sea-config", join(work, "sea-config.json")]);
    const executable = join(outDir, `tiw-push-kit-linux-${process.arch}`);
    rmSync(executable, { force: true });
    copyFileSync(process.execPath, executable);
    chmodSync(executable, 0o755);
    stripDebugSymbols(executable);
    runNodeQuietly("postject", [postject, executable, "NODE_SEA_BLOB", blob, "--sentinel-fuse", seaFuse]);
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
