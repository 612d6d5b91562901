/**
 * `verify` end to end: the built CLI's whole run (start, 17 checks, report) against the reference
 * receiver (`tiw-push-kit receiver`, its own process), in turns with `node -e 0`. Figures are
 * milliseconds per run, the median of each.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { millisOf } from "./cold-start.js";
import { median } from "./rounds.js";

const bin = fileURLToPath(new URL("../dist/src/cli/bin.js", import.meta.url));

export interface VerifyRuns {
  verify: number[];
  bare: number[];
}

export async function benchVerifyRun(runs: number): Promise<VerifyRuns> {
  const receiver = spawn(process.execPath, [bin, "receiver", "--port", "0", "--key", "bench-key"], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: receiver.stdout }).on("line", (line) => {
        const found = /listening on (http:\/\/\S+)/.exec(line);
        if (found?.[1]) resolve(found[1]);
      });
      receiver.once("exit", (code) => reject(new Error(`the receiver exited with ${code}`)));
    });
    receiver.stderr.resume();
    // Exit 0: every check that ran passed (three need --inspect-url and are skipped).
    const verify = [bin, "verify", "--target", `${url}callback`, "--key", "bench-key", "--sdk-app-id", "1400000001", "--seed", "1"];
    const times: VerifyRuns = { verify: [], bare: [] };
    millisOf(verify);
    for (let run = 0; run < runs; run++) {
      times.verify.push(millisOf(verify));
      times.bare.push(millisOf(["-e", "0"]));
    }
    return times;
  } finally {
    receiver.kill("SIGTERM");
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { verify, bare } = await benchVerifyRun(Number(process.env.BENCH_RUNS ?? 10));
  process.stdout.write(`verify against the reference receiver: ${median(verify).toFixed(0)} ms (node -e 0: ${median(bare).toFixed(0)} ms)\n`);
}
