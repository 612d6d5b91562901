import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface ChildCli {
  process: ChildProcess;
  pid: number;
  /** Resolves when the process ends, with its exit code or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether it has ended. */
  done(): boolean;
  stdout(): string;
  stderr(): string;
}

/**
 * Runs the CLI from source in a process of its own, as a user's shell would: for what only another
 * process shows (a kill -9, a lock held by someone else, a file-size limit). `shell` prefixes the
 * command with shell builtins such as `ulimit -f 2000;`.
 */
export function childCli(args: string[], options: { env?: Record<string, string>; shell?: string } = {}): ChildCli {
  const command = [process.execPath, "--import", "tsx", "src/cli/main.ts", ...args];
  const env = { ...process.env, ...options.env };
  const child =
    options.shell === undefined
      ? spawn(command[0]!, command.slice(1), { cwd: root, env })
      : spawn("sh", ["-c", `${options.shell} exec "$@"`, "sh", ...command], { cwd: root, env });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("close", (code, signal) => {
      ended = true;
      resolve({ code, signal });
    }),
  );
  if (child.pid === undefined) throw new Error("the CLI process did not start");
  return { process: child, pid: child.pid, exited, done: () => ended, stdout: () => stdout, stderr: () => stderr };
}
