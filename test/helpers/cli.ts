import { run } from "../../src/cli/main.js";
import type { Io, Output } from "../../src/cli/shared/command.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** An output that keeps what is written, for assertions. */
export function collector(): Output & { text: string } {
  return {
    text: "",
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

/** Runs the CLI in-process with injected streams, as a user would from a shell. */
export async function cli(argv: string[], options: { stdin?: string; env?: Io["env"]; fetch?: typeof fetch } = {}): Promise<CliResult> {
  const stdout = collector();
  const stderr = collector();
  const code = await run(argv, {
    stdout,
    stderr,
    stdin: (async function* () {
      if (options.stdin !== undefined) yield options.stdin;
    })(),
    env: options.env ?? {},
    fetch: options.fetch ?? globalThis.fetch,
    interrupted: new Promise(() => {}),
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
