import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { generate, generateEvents, scenarios } from "../../src/generate/generate.js";

/** sha256 (first 16 hex digits) of `generate` output as JSON lines, recorded from the array-and-sort version it replaced. */
const recordedDigests: Record<string, string> = {
  "mixed/realistic/1": "5b99deab6ca13ddd",
  "mixed/realistic/7": "9685e30d573d106d",
  "mixed/realistic/42": "9facbdc742022b2e",
  "mixed/realistic/abc": "ab7cea8e1434f5a1",
  "mixed/realistic/deadbeef": "a074780c89551f48",
  "mixed/brief/1": "2712675ae755ee52",
  "mixed/brief/7": "a6d883a200fb48b7",
  "mixed/brief/42": "dbfd544f35a3e0d5",
  "mixed/brief/abc": "54116a1aad5f99c1",
  "mixed/brief/deadbeef": "f804bf3f3ad50dd7",
  "user-call/realistic/1": "19600ef2d88ea858",
  "user-call/realistic/7": "0e29598220a1799c",
  "user-call/realistic/42": "68b31ed4fff7181f",
  "user-call/realistic/abc": "ddfca0958a4e25ac",
  "user-call/realistic/deadbeef": "8b85c3cf0be8e685",
  "user-call/brief/1": "9770fd379ea8b40f",
  "user-call/brief/7": "13585a25fda3116f",
  "user-call/brief/42": "0717ff22e3ce7ca6",
  "user-call/brief/abc": "11dbb32d09437f88",
  "user-call/brief/deadbeef": "94987d0273f6fbf0",
  "auto/realistic/1": "a0c1cbc7ff79d677",
  "auto/realistic/7": "80e66084b63d3299",
  "auto/realistic/42": "321b62fc8117539e",
  "auto/realistic/abc": "dd9b80d9e2e9f284",
  "auto/realistic/deadbeef": "a162c16e9c02028b",
  "auto/brief/1": "c77a232a621ba837",
  "auto/brief/7": "916d45671e91aeca",
  "auto/brief/42": "c09e6b282ab259d8",
  "auto/brief/abc": "64acd7166b8fb494",
  "auto/brief/deadbeef": "e1779ec7d38a5979",
  "exception/realistic/1": "e6e3bcd87cbb184e",
  "exception/realistic/7": "ac07b851c1d9c4a9",
  "exception/realistic/42": "b9ed7286c457abd9",
  "exception/realistic/abc": "27a8bb9929c27e1f",
  "exception/realistic/deadbeef": "b913f2932b9aaf13",
  "exception/brief/1": "3efc514e962212b4",
  "exception/brief/7": "90503a4de75d0a93",
  "exception/brief/42": "2109a72bc8b01a86",
  "exception/brief/abc": "1dab5b320b0d2124",
  "exception/brief/deadbeef": "729925651723ea8d"
};

const digestOf = (events: Iterable<unknown>) => {
  const hash = createHash("sha256");
  for (const event of events) hash.update(JSON.stringify(event) + "\n");
  return hash.digest("hex").slice(0, 16);
};

describe("generateEvents", () => {
  it("streams byte for byte what the array-and-sort generator gave, for every scenario, duration and seed", () => {
    for (const scenario of scenarios)
      for (const durations of ["realistic", "brief"] as const)
        for (const seed of [1, 7, 42, "abc", "deadbeef"]) {
          const options = { scenario, durations, seed, count: 400, now: 1_700_000_000, ...(seed === 7 ? { callbackKey: "k" } : {}) };
          expect(digestOf(generateEvents(options)), `${scenario}/${durations}/${seed}`).toBe(recordedDigests[`${scenario}/${durations}/${seed}`]);
          expect(digestOf(generate(options))).toBe(recordedDigests[`${scenario}/${durations}/${seed}`]);
        }
  });

  it("yields nothing for count 0 and checks its options before the first event", () => {
    expect([...generateEvents({ count: 0, seed: 1 })]).toEqual([]);
    expect(() => generateEvents({ count: -1 })).toThrow(/count must be/);
  });

  it("lets `generate --count 300000` run in a 48 MB heap: events are written as they are made, never held", () => {
    const main = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
    const run = spawnSync(process.execPath, ["--max-old-space-size=48", "--import", "tsx", main, "generate", "--count", "300000", "--seed", "5", "--now", "1700000000"], {
      encoding: "utf8",
      maxBuffer: 1024 ** 3,
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(600_000);
    expect(JSON.parse(lines.at(-1) ?? "{}")).toMatchObject({ Timestamp: 1_700_000_000 });
  }, 120_000);
});
