import { createServer } from "node:net";
import { serve, type RunningServer } from "../../src/server/node.js";
import { run } from "../../src/cli/main.js";
import type { Io } from "../../src/cli/shared/command.js";
import { collector } from "./cli.js";

export interface RecordingServer extends RunningServer {
  /** Every request body received, in arrival order. */
  bodies: string[];
}

/** A real HTTP server on 127.0.0.1 and a free port that records bodies and answers with `answer` (default 200). */
export async function recordingServer(answer: (body: string, index: number) => Response | Promise<Response> = () => Response.json({ error_code: 0 })): Promise<RecordingServer> {
  const bodies: string[] = [];
  const server = await serve(async (request) => {
    const body = await request.text();
    bodies.push(body);
    return answer(body, bodies.length - 1);
  });
  return { ...server, bodies };
}

/** A loopback URL nothing listens on: a port that was free a moment ago. */
export async function refusedUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return `http://127.0.0.1:${address.port}/callback`;
}

/** Polls `condition` until it holds, failing after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface LiveCli {
  /** Resolves with the exit code when the command returns. */
  exit: Promise<number>;
  stdout(): string;
  stderr(): string;
  /** Ctrl-C. */
  interrupt(): void;
}

/** Runs a long-running command in-process, with output readable while it runs and a Ctrl-C the test controls. */
export function liveCli(argv: string[], options: { env?: Io["env"]; stdin?: string } = {}): LiveCli {
  const stdout = collector();
  const stderr = collector();
  let interrupt = () => {};
  const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
  const exit = run(argv, {
    stdout,
    stderr,
    stdin: (async function* () {
      if (options.stdin !== undefined) yield options.stdin;
    })(),
    env: options.env ?? {},
    fetch: globalThis.fetch,
    interrupted,
  });
  return { exit, stdout: () => stdout.text, stderr: () => stderr.text, interrupt };
}
