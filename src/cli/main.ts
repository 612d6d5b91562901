#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { helpOf, parseCommandArgs, UsageError, write, type Command, type Io, type Options } from "./shared/command.js";
import { generateCommand } from "./commands/generate.js";
import { signCommand } from "./commands/sign.js";
import { validateCommand } from "./commands/validate.js";
import { verifyCommand } from "./commands/verify.js";
import { emitCommand } from "./commands/emit.js";
import { logCommand } from "./commands/log.js";
import { resendCommand } from "./commands/resend.js";
import { receiverCommand } from "./commands/receiver.js";
import { startCommand } from "./commands/start.js";
import { serveCommand } from "./commands/serve.js";
import { triggerCommand } from "./commands/trigger.js";

const program = "tiw-push-kit";

/** Every command, in the order `--help` lists them. */
export const commands: Command<Options>[] = [generateCommand, signCommand, validateCommand, verifyCommand, emitCommand, triggerCommand, logCommand, resendCommand, receiverCommand, startCommand, serveCommand] as Command<Options>[];

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
    `Run '${program} <command> --help' for the options of a command.`,
    "",
  ].join("\n");
}

/**
 * Runs the CLI on `argv` (without the node and script paths) and returns the exit code:
 * 0 ok, 1 checks failed, 2 usage.
 */
export async function run(argv: string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    await write(name === undefined ? io.stderr : io.stdout, overview());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    await write(io.stderr, `${program}: unknown command '${name}'. Commands: ${commands.map((c) => c.name).join(", ")}\n`);
    return 2;
  }
  try {
    const { values, positionals, help } = parseCommandArgs(command, args, io.env);
    if (help) {
      await write(io.stdout, helpOf(command, program));
      return 0;
    }
    return await command.run({ values, positionals, io });
  } catch (error) {
    if (error instanceof UsageError) {
      await write(io.stderr, `${program} ${name}: ${error.message}\nRun '${program} ${name} --help' for usage.\n`);
      return 2;
    }
    // Library errors carry their own "tiw-push-kit: ..." message; the stack helps nobody here.
    const message = error instanceof Error ? error.message : String(error);
    await write(io.stderr, `${message.startsWith(program) ? message : `${program} ${name}: ${message}`}\n`);
    return error instanceof RangeError ? 2 : 1;
  }
}

function processIo(): Io {
  const interrupted = new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, fetch: globalThis.fetch, interrupted };
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  process.exitCode = await run(process.argv.slice(2), processIo());
}
