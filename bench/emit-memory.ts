/**
 * `emit --count N` at several sizes: the built CLI's peak RSS and its time to first send (from
 * spawning the process to the first request at the receiver, process start included), each run to
 * its end against a receiver in this process that answers 200 at once. The plan streams, so
 * neither should grow with N.
 *
 * Environment: BENCH_EMIT_COUNTS, comma-separated task counts (default 10000,100000,1000000).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { peakRssMbOf, reportPeakRss } from "./peak-rss.js";

const bin = fileURLToPath(new URL("../dist/src/cli/bin.js", import.meta.url));
const ack = JSON.stringify({ error_code: 0 });

export interface EmitMemory {
  count: number;
  peakRssMb: number;
  firstSendMs: number;
  seconds: number;
}

export async function benchEmitMemory(count: number): Promise<EmitMemory> {
  let firstArrival: number | undefined;
  const server = createServer((request, response) => {
    firstArrival ??= performance.now();
    request.resume();
    request.on("end", () => response.writeHead(200, { "content-type": "application/json", "content-length": ack.length }).end(ack));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  const journalDir = mkdtempSync(join(tmpdir(), "tiw-push-kit-bench-"));
  try {
    const spawned = performance.now();
    const child = spawn(process.execPath, [...reportPeakRss, bin, "emit", "--target", target, "--key", "bench-key", "--count", String(count), "--seed", "1", "--concurrency", "16", "--journal", join(journalDir, "journal.db"), "--json"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    const peakRssMb = peakRssMbOf(stderr);
    if (code !== 0 || peakRssMb === undefined || firstArrival === undefined) throw new Error(`emit exited with ${code}: ${stderr}`);
    return { count, peakRssMb, firstSendMs: firstArrival - spawned, seconds: (performance.now() - spawned) / 1000 };
  } finally {
    server.closeAllConnections();
    server.close();
    rmSync(journalDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const count of (process.env.BENCH_EMIT_COUNTS ?? "10000,100000,1000000").split(",").map(Number)) {
    const { peakRssMb, firstSendMs, seconds } = await benchEmitMemory(count);
    process.stdout.write(`emit --count ${count}: peak RSS ${peakRssMb.toFixed(0)} MB, first send after ${firstSendMs.toFixed(0)} ms, ${seconds.toFixed(1)} s\n`);
  }
}
