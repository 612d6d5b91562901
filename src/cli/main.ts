import { standardOutput } from "./standard-output.js";
import { CannotRunError, helpOf, parseCommandArgs, ReaderGoneError, UsageError, write, type CommandEntry, type Io } from "./shared/command.js";

const program = "tiw-push-kit";

/**
 * Every command, in the order `--help` lists them. A command's module, and all it imports (the
 * journal, servers, the stand-in), is loaded only when that command runs or shows its help.
 */
export const commands: readonly CommandEntry[] = [
  { name: "generate", summary: "Print realistic, signed Started/Stopped callback sequences as JSON Lines", load: async () => (await import("./commands/generate.js")).generateCommand },
  { name: "sign", summary: "Print the TIW callback signature md5(KEY + EXPIRE_TIME), or sign whole callback bodies", load: async () => (await import("./commands/sign.js")).signCommand },
  { name: "validate", summary: "Check callback bodies against the spec, and their signatures when a key is given", load: async () => (await import("./commands/validate.js")).validateCommand },
  { name: "verify", summary: "Run the receiver contract suite against your running receiver", load: async () => (await import("./commands/verify.js")).verifyCommand },
  { name: "emit", summary: "Deliver signed Started/Stopped sequences to your receiver, with retries and fault injection", load: async () => (await import("./commands/emit.js")).emitCommand },
  { name: "trigger", summary: "Send one callback (or one task's pair) with the fields you set, the rest realistic", load: async () => (await import("./commands/trigger.js")).triggerCommand },
  { name: "log", summary: "List the deliveries recorded in the journal", load: async () => (await import("./commands/log.js")).logCommand },
  { name: "resend", summary: "Deliver journaled events again, by id or all failed ones", load: async () => (await import("./commands/resend.js")).resendCommand },
  { name: "receiver", summary: "Run the reference receiver on 127.0.0.1 and print each callback it gets", load: async () => (await import("./commands/receiver.js")).receiverCommand },
  {
    name: "start",
    summary: "Run the reference receiver, the TIW API stand-in with its dashboard, and live traffic into them, on 127.0.0.1 (npm start)",
    load: async () => (await import("./commands/start.js")).startCommand,
  },
  { name: "serve", summary: "Run a local stand-in for TIW's whiteboard push API whose calls cause the callbacks", load: async () => (await import("./commands/serve.js")).serveCommand },
];

function overview(): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 2;
  return [
    `Usage: ${program} <command> [options]`,
    "",
    "Mock emitter, TIW API stand-in and contract tests for the TIW whiteboard push callbacks",
    "(WhiteboardPushStarted, WhiteboardPushStopped).",
    "",
    "Commands:",
    ...commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    "",
    `Run '${program} <command> --help' or '${program} help <command>' for the options of a command,`,
    `'${program} --version' for the version.`,
    "",
  ].join("\n");
}

/** The installed package's version, read only when asked for. */
/** Set by the standalone executable's build (it has no package.json to read); undeclared everywhere else. */
declare const TIW_PUSH_KIT_VERSION: string | undefined;

async function packageVersion(): Promise<string> {
  if (typeof TIW_PUSH_KIT_VERSION === "string") return TIW_PUSH_KIT_VERSION;
  const { readFile } = await import("node:fs/promises");
  const manifest = await readFile(new URL(import.meta.resolve(`${program}/package.json`)), "utf8");
  return (JSON.parse(manifest) as { version: string }).version;
}

async function unknownCommand(name: string, io: Io): Promise<number> {
  await write(io.stderr, `${program}: unknown command '${name}'. Commands: ${commands.map((c) => c.name).join(", ")}\n`);
  return 2;
}

/**
 * Runs the CLI on `argv` (without the node and script paths) and returns the exit code:
 * 0 ok, 1 checks or deliveries failed, 2 usage or cannot run.
 */
export async function run(argv: string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "--version" || first === "-v") {
    await write(io.stdout, `${await packageVersion()}\n`);
    return 0;
  }
  // `help <command>` is `<command> --help`.
  const [name, args] = first === "help" && rest[0] !== undefined ? [rest[0], ["--help"]] : [first, rest];
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    await write(name === undefined ? io.stderr : io.stdout, overview());
    return name === undefined ? 2 : 0;
  }
  const entry = commands.find((candidate) => candidate.name === name);
  if (!entry) return unknownCommand(name, io);
  try {
    const command = await entry.load();
    const { values, positionals, help, notes } = parseCommandArgs(command, args, io.env);
    for (const note of notes) await write(io.stderr, `${note}\n`);
    if (help) {
      await write(io.stdout, helpOf(command, entry.summary, program));
      return 0;
    }
    return await command.run({ values, positionals, io });
  } catch (error) {
    // `| head -1` closed the pipe: the reader has what it wanted.
    if (error instanceof ReaderGoneError) return 0;
    if (error instanceof UsageError) {
      await write(io.stderr, `${program} ${name}: ${error.message}\nRun '${program} ${name} --help' for usage.\n`);
      return 2;
    }
    // Library errors carry their own "tiw-push-kit: ..." message; the stack helps nobody here.
    const message = error instanceof Error ? error.message : String(error);
    await write(io.stderr, `${message.startsWith(program) ? message : `${program} ${name}: ${message}`}\n`);
    // A bad option, an unreachable target or a journal that cannot be used (in use, damaged, unwritable) is "cannot run": 2. Named, not imported: the store loads only with a journal.
    return error instanceof RangeError || error instanceof CannotRunError || (error instanceof Error && error.name === "JournalError") ? 2 : 1;
  }
}

function processIo(): Io {
  let stop = (): void => {};
  const interrupted = new Promise<void>((resolve) => (stop = resolve));
  process.once("SIGINT", () => stop());
  // EPIPE: the reader of stdout went away. The stream is then closed and the next `write` says so,
  // and a long-running command stops as on Ctrl-C; without a listener the error would end the
  // process with a stack trace.
  const stdout = standardOutput((error) => {
    if (error.code !== "EPIPE") throw error;
    stop();
  });
  // stderr and stdin are made when first used: each loads stream modules that a command which never
  // reads input or reports a problem would pay for at start.
  return {
    stdout,
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    fetch: globalThis.fetch,
    interrupted,
  };
}

/** Runs the CLI on this process's arguments and streams, and sets its exit code. */
export async function main(): Promise<void> {
  process.exitCode = await run(process.argv.slice(2), processIo());
}

// Also runnable from source (`tsx src/cli/main.ts ...`), as the benchmarks and kill tests do. The
// installed command is bin.ts, which imports this module; getBuiltinModule spares every run the
// cost of node:fs's ES module facade.
const invokedDirectly = process.argv[1] !== undefined && process.getBuiltinModule("node:fs").realpathSync(process.argv[1]) === import.meta.filename;
if (invokedDirectly) await main();
