import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { stopChild } from "../../scripts/stop-child.js";

const receiverScript = fileURLToPath(new URL("../../examples/python-receiver/receiver.py", import.meta.url));

export interface PythonReceiver {
  /** Where callbacks go: `http://127.0.0.1:PORT/tiw/callback`. */
  url: string;
  /** The `--inspect-url` template: `http://127.0.0.1:PORT/tasks/{TaskId}`. */
  inspectUrl: string;
  /** What the receiver logged on stderr so far (its rejections). */
  log(): string;
  stop(): Promise<void>;
}

/** The real path of the `python3` on PATH (not a version manager's shim), or an error naming what to install. */
export function python3(): string {
  try {
    return execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();
  } catch (error) {
    throw new Error("tiw-push-kit tests: python3 is needed to run examples/python-receiver (apt-get install python3)", { cause: error });
  }
}

/** `examples/python-receiver/receiver.py` on a free port of 127.0.0.1, ready when it prints where it listens. */
export async function startPythonReceiver(options: { callbackKey: string; sdkAppId: number; broken?: boolean }): Promise<PythonReceiver> {
  const args = [receiverScript, "--port", "0", "--key", options.callbackKey, "--sdk-app-id", String(options.sdkAppId), ...(options.broken ? ["--broken"] : [])];
  const child = spawn(python3(), args, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the Python receiver did not start within 10 s:\n${stdout}${stderr}`)), 10_000);
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const listening = /^listening on (\S+)$/m.exec(stdout);
        if (listening?.[1]) {
          clearTimeout(timer);
          resolve(listening[1]);
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the Python receiver exited with ${code}:\n${stdout}${stderr}`));
      });
    });
    return { url, inspectUrl: `${new URL(url).origin}/tasks/{TaskId}`, log: () => stderr, stop: () => stopChild(child) };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}
