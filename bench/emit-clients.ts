/**
 * `npm run bench:clients`: the HTTP client `emit` sends through, the kit's own (`createHttpPoster`),
 * against the global `fetch` (Node's undici), each POSTing one fixed signed event through the
 * deliverer's `Transport` with the same number of requests in flight, in turns, to the minimal
 * receiver in its own process. The deliverer uses the faster; this says by how much.
 *
 * Environment: BENCH_SECONDS per client and round (default 2), BENCH_ROUNDS (default 3),
 * BENCH_CONNECTIONS (default 32).
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createFetchTransport } from "../src/delivery/transport/fetch-transport.js";
import { createHttpPoster } from "../src/delivery/transport/http-poster.js";
import type { Transport } from "../src/delivery/transport/transport.js";
import { generate } from "../src/generate/generate.js";
import { median } from "./rounds.js";

/** Requests per second of each client, per round. */
export async function benchEmitClients(rounds: number, seconds: number, connections: number): Promise<Record<"kit" | "fetch", number[]>> {
  const receiver = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL("./minimal-receiver.ts", import.meta.url))], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const lines = createInterface({ input: receiver.stdout });
    const url = new URL(await new Promise<string>((resolve) => lines.once("line", resolve)));
    lines.close();
    const [fixed] = generate({ count: 1, seed: 1, callbackKey: "bench-key", now: Math.floor(Date.now() / 1000) });
    const request = { method: "POST" as const, url, body: JSON.stringify(fixed), headers: { "Content-Type": "application/json" }, timeoutMs: 10_000, maxAnswerBytes: 600 };
    const clients: Record<"kit" | "fetch", Transport> = { kit: createHttpPoster(), fetch: createFetchTransport(globalThis.fetch) };
    const rateOf = async (client: Transport, millis: number) => {
      const began = performance.now();
      let answered = 0;
      await Promise.all(
        Array.from({ length: connections }, async () => {
          while (performance.now() - began < millis) {
            const answer = await client.send(request);
            if (answer.status !== 200) throw new Error(`the receiver answered ${answer.status}`);
            answered += 1;
          }
        }),
      );
      return (answered * 1000) / (performance.now() - began);
    };
    for (const client of Object.values(clients)) await rateOf(client, 500); // warm-up
    const rates: Record<"kit" | "fetch", number[]> = { kit: [], fetch: [] };
    for (let round = 0; round < rounds; round++) {
      for (const name of ["kit", "fetch"] as const) rates[name].push(await rateOf(clients[name], seconds * 1000));
    }
    for (const client of Object.values(clients)) client.close();
    return rates;
  } finally {
    receiver.kill("SIGTERM");
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
  const rates = await benchEmitClients(Number(process.env.BENCH_ROUNDS ?? 3), Number(process.env.BENCH_SECONDS ?? 2), connections);
  const ratios = rates.kit.map((rate, round) => rate / (rates.fetch[round] ?? rate));
  process.stdout.write(
    [
      `requests in flight     ${connections}`,
      `the kit's client       ${Math.round(median(rates.kit))} requests/s`,
      `fetch (undici)         ${Math.round(median(rates.fetch))} requests/s`,
      `ratio kit / fetch      ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`,
    ].join("\n") + "\n",
  );
}
