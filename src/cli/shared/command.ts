import { isHttpUrl } from "../../tiw/http-url.js";

// Not `import ... from "node:util"`: that module's ES facade reads every export, lazy ones included
// (TextDecoder, diff), which cost every command a few milliseconds at start.
const { parseArgs } = process.getBuiltinModule("node:util");

/** Where a command writes; the CLI entry passes process streams, tests pass collectors. */
export interface Output {
  write(chunk: string): boolean;
  once?(event: "drain" | "close", listener: () => void): unknown;
  off?(event: "drain" | "close", listener: () => void): unknown;
  /** Set once the stream is closed, e.g. after the reader of a pipe went away (EPIPE). */
  destroyed?: boolean;
  isTTY?: boolean;
}

/** The world a command runs in, injected so commands are testable without spawning. */
export interface Io {
  stdout: Output;
  stderr: Output;
  stdin: AsyncIterable<string | Uint8Array>;
  env: Record<string, string | undefined>;
  fetch: typeof fetch;
  /** Resolves when the user asks to stop (Ctrl-C); long-running commands race it. */
  interrupted: Promise<void>;
}

export interface OptionSpec {
  type: "string" | "boolean";
  description: string;
  short?: string;
  /** Shown in help as `--name VALUE`. */
  valueName?: string;
  /** Environment variable read when the flag is absent. */
  env?: string;
  /** Shown in help; commands apply their own defaults. */
  defaultText?: string;
  multiple?: boolean;
  /** Old spellings, still accepted for one release with a note on stderr. */
  aliases?: readonly string[];
  /** Also `--NAME-file PATH`: the value read from a file, so that it is not on the command line (/proc/PID/cmdline). */
  fromFile?: boolean;
}

export type Options = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S["type"] extends "boolean"
  ? boolean | undefined
  : S["multiple"] extends true
    ? string[] | undefined
    : string | undefined;

export type Values<O extends Options> = { [K in keyof O]: ValueOf<O[K]> };

export interface Context<O extends Options> {
  values: Values<O>;
  positionals: string[];
  io: Io;
}

/** What a command does; its name and one-line summary are in the CLI's registry, so listing commands loads none. */
export interface Command<O extends Options = Options> {
  /** Synopsis after the program name, e.g. `sign --key K --expire-time T`. */
  usage: string;
  /** Paragraphs shown under the synopsis in `--help`. */
  description?: string;
  options: O;
  /** Maximum number of positional arguments (default 0). */
  maxPositionals?: number;
  examples?: string[];
  /** Returns the exit code: 0 ok, 1 checks failed, 2 usage. */
  run(context: Context<O>): Promise<number>;
}

/** A command as the CLI lists it: named and summed up without loading its module. */
export interface CommandEntry {
  name: string;
  summary: string;
  /** Imports the command's module, only when it runs or shows its help. */
  load(): Promise<Command>;
}

/** Typed identity: lets each command file infer its option values. */
export function defineCommand<O extends Options>(command: Command<O>): Command<O> {
  return command;
}

/** Bad flags or arguments: reported in one line with a pointer to `--help`, exit 2. */
export class UsageError extends Error {}

/** The command cannot do its work at all (e.g. nothing listens at the target): its one-line message, exit 2. */
export class CannotRunError extends Error {}

export const jsonOption = {
  type: "boolean",
  description: "Print machine-readable JSON on stdout (diagnostics go to stderr)",
} as const satisfies OptionSpec;

export const callbackKeyOption = {
  type: "string",
  valueName: "KEY",
  env: "TIW_CALLBACK_KEY",
  fromFile: true,
  description: "Callback key set with SetWhiteboardPushCallbackKey",
} as const satisfies OptionSpec;

export const sdkAppIdOption = {
  type: "string",
  valueName: "ID",
  description: "SdkAppId of the whiteboard application",
} as const satisfies OptionSpec;

export interface ParsedArgs<O extends Options> {
  values: Values<O>;
  positionals: string[];
  help: boolean;
  /** One line each for the user, e.g. that an old spelling was used. */
  notes: string[];
}

/** The reader of stdout went away (`| head -1`): nothing more can be shown, and that is no failure. */
export class ReaderGoneError extends Error {
  constructor() {
    super("tiw-push-kit: the reader of the output is gone");
  }
}

/** Strict parsing: an unknown flag or a missing value is a `UsageError`; flags fall back to a file, then to their env variable. */
export function parseCommandArgs<O extends Options>(command: Command<O>, args: string[], env: Io["env"]): ParsedArgs<O> {
  const config = Object.fromEntries(
    Object.entries(command.options).flatMap(([name, spec]) => {
      const parseSpec = { type: spec.type, ...(spec.multiple ? { multiple: true } : {}) };
      return [
        [name, { ...parseSpec, ...(spec.short ? { short: spec.short } : {}) }],
        ...(spec.aliases ?? []).map((alias) => [alias, parseSpec]),
        ...(spec.fromFile ? [[`${name}-file`, { type: "string" }]] : []),
      ];
    }),
  );
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...config, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's messages span lines and end with advice about positionals that does not apply here.
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new UsageError(message.split("\n").join(" "));
  }
  const { help, ...given }: Record<string, unknown> = parsed.values;
  const values: Record<string, unknown> = {};
  const notes: string[] = [];
  for (const [name, spec] of Object.entries(command.options)) {
    const alias = spec.aliases?.find((candidate) => given[candidate] !== undefined);
    if (alias !== undefined) {
      if (given[name] !== undefined) throw new UsageError(`--${alias} is the old spelling of --${name}: give one of them`);
      notes.push(`tiw-push-kit: --${alias} is now --${name}; the old spelling goes in the next release`);
    }
    const file = given[`${name}-file`];
    if (file !== undefined && (given[name] !== undefined || alias !== undefined)) throw new UsageError(`give --${name} or --${name}-file, not both`);
    const value = given[name] ?? (alias !== undefined ? given[alias] : undefined) ?? (typeof file === "string" ? valueFromFile(`${name}-file`, file) : undefined);
    if (value !== undefined) values[name] = value;
    else if (spec.env && env[spec.env] !== undefined && env[spec.env] !== "") values[name] = env[spec.env];
  }
  if (!help && parsed.positionals.length > (command.maxPositionals ?? 0)) {
    throw new UsageError(`unexpected argument '${parsed.positionals[command.maxPositionals ?? 0]}'`);
  }
  return { values: values as Values<O>, positionals: parsed.positionals, help: help === true, notes };
}

/** A secret read from a file, without the line ending an editor or `echo` leaves. */
function valueFromFile(flag: string, path: string): string {
  let text: string;
  try {
    text = process.getBuiltinModule("node:fs").readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read --${flag} ${path}${code === "ENOENT" ? ": no such file" : `: ${(error as Error).message}`}`);
  }
  const value = text.replace(/\r?\n$/, "");
  if (value === "") throw new UsageError(`--${flag} ${path} is empty`);
  return value;
}

/** `--help` text generated from the command's own option table, so the two cannot drift. */
export function helpOf(command: Command, summary: string, program: string): string {
  const rows = Object.entries(command.options).flatMap(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : "    "}--${name}${spec.type === "string" ? ` ${spec.valueName ?? "VALUE"}` : ""}`;
    const notes = [
      spec.defaultText && `default: ${spec.defaultText}`,
      spec.env && `env: ${spec.env}`,
      spec.aliases?.length && `formerly ${spec.aliases.map((alias) => `--${alias}`).join(", ")}`,
    ]
      .filter(Boolean)
      .join("; ");
    const row = [flag, spec.description + (notes ? ` (${notes})` : "")] as const;
    return spec.fromFile ? [row, [`    --${name}-file PATH`, `Read --${name} from this file (trailing newline trimmed); keeps it off the command line`] as const] : [row];
  });
  rows.push(["-h, --help", "Show this help"]);
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const lines = [
    `Usage: ${program} ${command.usage}`,
    "",
    summary,
    ...(command.description ? ["", command.description] : []),
    "",
    "Options:",
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`),
  ];
  if (command.examples?.length) lines.push("", "Examples:", ...command.examples.map((example) => `  ${example}`));
  return lines.join("\n") + "\n";
}

/** Parses a whole number flag, with the flag's name and the allowed range in the error. */
export function intValue(name: string, raw: string | undefined, range: { min?: number; max?: number } = {}): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number in [${min}, ${max}], got '${raw}'`);
  }
  return value;
}

/** A flag that is a number >= 0, fractions allowed. */
export function numberValue(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value < 0) throw new UsageError(`--${name} must be a number >= 0, got '${raw}'`);
  return value;
}

/** A URL flag checked to be an absolute http(s) URL. */
export function httpUrlValue(name: string, value: string): string {
  if (!isHttpUrl(value)) throw new UsageError(`--${name} must be an http(s) URL, got '${value}'`);
  return value;
}

/** `--sdk-app-id` checked: SdkAppId is an unsigned 32-bit number. */
export function sdkAppIdValue(raw: string | undefined): number | undefined {
  return intValue("sdk-app-id", raw, { min: 1, max: 4294967295 });
}

export function requireValue(name: string, value: string | undefined, hint: string): string {
  if (value === undefined || value === "") throw new UsageError(`--${name} is required: ${hint}`);
  return value;
}

/** Writes without waiting (a server's event lines); once the reader is gone they are dropped, and `io.interrupted` stops the server. */
export function writeSoon(output: Output, text: string): void {
  write(output, text).catch((error: unknown) => {
    if (!(error instanceof ReaderGoneError)) throw error;
  });
}

/**
 * Writes to an output, waiting for it to drain when it buffers (large JSON Lines outputs). Throws
 * `ReaderGoneError` once the output is closed (the reader of a pipe went away) instead of waiting forever.
 */
export async function write(output: Output, text: string): Promise<void> {
  if (output.destroyed) throw new ReaderGoneError();
  if (output.write(text) || !output.once) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      output.off?.("drain", done);
      output.off?.("close", done);
      resolve();
    };
    output.once?.("drain", done);
    output.once?.("close", done);
  });
  if (output.destroyed) throw new ReaderGoneError();
}
