/**
 * `verifyCallback` against its floor (`JSON.parse` and an md5 hex of the same body: the least any
 * TIW receiver does) and, when BENCH_PEERS names a folder where `standardwebhooks` and
 * `@octokit/webhooks-methods` are installed, against those webhook verifiers on the same payload.
 * Run alone with `npm run bench:verify`.
 */
import { createHmac, hash } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createVerifier } from "../src/receiver/verify-callback.js";
import { generate } from "../src/generate/generate.js";
import { alternateSync, median, type Alternated } from "./rounds.js";

const callbackKey = "bench-key";
const now = 1_700_000_000;

interface StandardWebhook {
  verify(payload: string, headers: Record<string, string>): unknown;
  sign(id: string, timestamp: Date, payload: string): string;
}
type StandardWebhookClass = new (secret: string) => StandardWebhook;

/** Peer verifiers from the folder BENCH_PEERS points to, or none. */
function peers(body: string): Record<string, () => unknown> {
  const folder = process.env.BENCH_PEERS;
  if (!folder) return {};
  const load = createRequire(join(folder, "node_modules", "package.json"));
  const { Webhook } = load("standardwebhooks") as { Webhook: StandardWebhookClass };
  const secret = `whsec_${Buffer.from(callbackKey).toString("base64")}`;
  const webhook = new Webhook(secret);
  const timestamp = new Date(Date.now());
  const headers = { "webhook-id": "msg_1", "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)), "webhook-signature": webhook.sign("msg_1", timestamp, body) };
  return {
    // Its verify() parses the payload and checks the HMAC and the timestamp.
    standardwebhooks: () => webhook.verify(body, headers),
  };
}

export interface VerifyBench {
  payloadBytes: number;
  /** Verifications/s per contender (the median over rounds); `octokit` is @octokit/webhooks-methods' asynchronous verify() plus `JSON.parse`. */
  result: Alternated<string>;
}

/** @octokit/webhooks-methods, awaited in a loop for `millis`: it has no synchronous verify. */
async function octokitRate(body: string, millis: number): Promise<number | undefined> {
  const folder = process.env.BENCH_PEERS;
  if (!folder) return undefined;
  const { verify } = (await import(pathToFileURL(join(folder, "node_modules", "@octokit", "webhooks-methods", "dist-node", "index.js")).href)) as {
    verify(secret: string, payload: string, signature: string): Promise<boolean>;
  };
  const signature = `sha256=${createHmac("sha256", callbackKey).update(body).digest("hex")}`;
  let operations = 0;
  const began = performance.now();
  while (performance.now() - began < millis) {
    if (!(await verify(callbackKey, body, signature))) throw new Error("octokit rejected the payload");
    JSON.parse(body);
    operations++;
  }
  return (operations * 1000) / (performance.now() - began);
}

export async function benchVerify(rounds: number, millis: number): Promise<VerifyBench> {
  const [, stopped] = generate({ scenario: "exception", count: 1, seed: 3, callbackKey, now, expireWindowSeconds: 10 ** 8 });
  const body = JSON.stringify(stopped);
  const verifyTiw = createVerifier({ callbackKey, sdkAppId: stopped?.SdkAppId ?? 1, now: () => now });
  if (!verifyTiw(body).ok) throw new Error("the benchmark's payload does not verify");
  const contenders = {
    floor: () => [JSON.parse(body), hash("md5", body)],
    verifyCallback: () => verifyTiw(body),
    ...peers(body),
  };
  // Round by round, so the asynchronous peer takes its turn with the others.
  const perRound: Array<Record<string, number>> = [];
  for (let round = 0; round < rounds; round++) {
    const rates: Record<string, number> = { ...alternateSync(contenders, 1, millis).rates };
    const octokit = await octokitRate(body, millis);
    perRound.push(octokit === undefined ? rates : { ...rates, octokit });
  }
  const names = Object.keys(perRound[0] ?? {});
  const result: Alternated<string> = { rates: Object.fromEntries(names.map((name) => [name, median(perRound.map((rates) => rates[name] ?? 0))])), rounds: perRound };
  return { payloadBytes: Buffer.byteLength(body), result };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { payloadBytes, result } = await benchVerify(Number(process.env.BENCH_ROUNDS ?? 5), Number(process.env.BENCH_MILLIS ?? 500));
  process.stdout.write(`payload ${payloadBytes} bytes\n`);
  for (const [name, rate] of Object.entries(result.rates)) process.stdout.write(`${name.padEnd(24)}${Math.round(rate)} verifications/s  ${(rate / (result.rates.floor ?? 1)).toFixed(2)} x floor\n`);
}
