import type * as nodeFs from "node:fs";
import type { Output } from "./shared/command.js";

type Fs = typeof nodeFs;

/**
 * The process's standard output as the CLI writes it. A file, `/dev/null` or a terminal is written
 * straight to the descriptor, as Node's own stream writes them on POSIX: synchronously. That spares
 * a short command like `sign` the stream modules, a tenth of its start-up. A pipe or a socket, and
 * any output on Windows (its console takes UTF-16), get `process.stdout`, made at the first write:
 * it queues for a slow reader, and `onStreamError` hears its errors (EPIPE when the reader is gone).
 */
export function standardOutput(onStreamError: (error: NodeJS.ErrnoException) => void): Output {
  const fs = process.getBuiltinModule("node:fs");
  let direct = process.platform !== "win32" && isFileOrDevice(fs);
  let stream: NodeJS.WriteStream | undefined;
  const streamed = (): NodeJS.WriteStream => {
    if (stream === undefined) {
      stream = process.stdout;
      stream.on("error", onStreamError);
    }
    return stream;
  };
  return {
    write(chunk) {
      if (!direct) return streamed().write(chunk);
      const rest = writeAll(fs, Buffer.from(chunk));
      if (rest === undefined) return true;
      // Someone made the descriptor non-blocking and it is full: the stream waits for it instead.
      direct = false;
      return streamed().write(rest);
    },
    once: (event, listener) => streamed().once(event, listener),
    off: (event, listener) => streamed().off(event, listener),
    get destroyed() {
      return stream?.destroyed ?? false;
    },
    get isTTY() {
      return streamed().isTTY;
    },
  };
}

function isFileOrDevice(fs: Fs): boolean {
  try {
    const stats = fs.fstatSync(1);
    return stats.isFile() || stats.isCharacterDevice();
  } catch {
    // Closed or unusual: the stream decides what to do with it.
    return false;
  }
}

/** Writes all of `bytes` to fd 1; what is left if the descriptor would block (EAGAIN). */
function writeAll(fs: Fs, bytes: Buffer): Buffer | undefined {
  let written = 0;
  try {
    while (written < bytes.length) written += fs.writeSync(1, bytes, written);
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
    return bytes.subarray(written);
  }
}
