import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { generate, generateEvents, scenarios } from "../../src/generate/generate.js";

/**
 * sha256 (first 16 hex digits) of `generate` output as JSON lines, recorded when each task came to be
 * drawn from its own stream of the seed (so that a history's end is found without drawing it all): a
 * change to the generator must replay them byte for byte, or say why they change.
 */
const recordedDigests: Record<string, string> = {
  "user-call/realistic/1": "b0b35c77cd664bc2",
  "user-call/realistic/7": "5e50646f0dbc7ae6",
  "user-call/realistic/42": "24c04d02661502a2",
  "user-call/realistic/abc": "1ee2785fbb16c407",
  "user-call/realistic/deadbeef": "4b7e2afa51858ea1",
  "user-call/brief/1": "49aa7c9188b2b70e",
  "user-call/brief/7": "ba668d6979806b70",
  "user-call/brief/42": "30955bd881af44e9",
  "user-call/brief/abc": "0e5b2dbf587708a9",
  "user-call/brief/deadbeef": "81a7989708bf2995",
  "auto/realistic/1": "e10a7f5a020654ef",
  "auto/realistic/7": "398b2fbd833ba63f",
  "auto/realistic/42": "2097c8a9888e05f4",
  "auto/realistic/abc": "23d3b17e431f46d3",
  "auto/realistic/deadbeef": "17a1f2dc10916b97",
  "auto/brief/1": "d58cecff7f2c5a6d",
  "auto/brief/7": "477e37c5383269b3",
  "auto/brief/42": "1ea9a3905a55a812",
  "auto/brief/abc": "e1aca486214031b5",
  "auto/brief/deadbeef": "e1956d26d21771eb",
  "exception/realistic/1": "3b556fb76143baff",
  "exception/realistic/7": "49a585c4b60cb604",
  "exception/realistic/42": "409ca0b7e79fdf61",
  "exception/realistic/abc": "e1d3d0fdd607cace",
  "exception/realistic/deadbeef": "4693262cb4d44086",
  "exception/brief/1": "957b2784cc5ea675",
  "exception/brief/7": "a89b3eb5d8a1c0f8",
  "exception/brief/42": "560fbb0a98d6df0e",
  "exception/brief/abc": "4e6901019d0c879e",
  "exception/brief/deadbeef": "887c055c3fbe388b",
  "mixed/realistic/1": "1fc4f4d5ecdfe299",
  "mixed/realistic/7": "592d4d0029ac00ce",
  "mixed/realistic/42": "53b645a79c500711",
  "mixed/realistic/abc": "302f791f4e67ac1e",
  "mixed/realistic/deadbeef": "88ca53d3bb7b9830",
  "mixed/brief/1": "c95e76191eb2b671",
  "mixed/brief/7": "921721f5aa199277",
  "mixed/brief/42": "e4e76a11f87303b7",
  "mixed/brief/abc": "d6af17f6dfd915df",
  "mixed/brief/deadbeef": "ac37bcdda154bc17"
};

const digestOf = (events: Iterable<unknown>) => {
  const hash = createHash("sha256");
  for (const event of events) hash.update(JSON.stringify(event) + "\n");
  return hash.digest("hex").slice(0, 16);
};

describe("generateEvents", () => {
  it("replays the recorded histories byte for byte, as a stream and as an array, for every scenario, duration and seed", () => {
    for (const scenario of scenarios)
      for (const durations of ["realistic", "brief"] as const)
        for (const seed of [1, 7, 42, "abc", "deadbeef"]) {
          const options = { scenario, durations, seed, count: 400, now: 1_700_000_000, ...(seed === 7 ? { callbackKey: "k" } : {}) };
          expect(digestOf(generateEvents(options)), `${scenario}/${durations}/${seed}`).toBe(recordedDigests[`${scenario}/${durations}/${seed}`]);
          expect(digestOf(generate(options))).toBe(recordedDigests[`${scenario}/${durations}/${seed}`]);
        }
  });

  it("gives the first event of a billion-task history at once: only the tasks that can end last are drawn to place it", () => {
    for (const options of [{ scenario: "mixed" }, { scenario: "auto", durations: "brief", autoStopTimeout: 259_200 }] as const) {
      const [first] = generateEvents({ ...options, count: 1_000_000_000, seed: 3, now: 1_700_000_000 });
      expect(first?.EventType).toBe("WhiteboardPushStarted");
      expect(first?.Timestamp).toBeLessThan(1_700_000_000);
    }
  });

  it("ends the history at now, also where one long task ends after all that started later", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const events = generate({ scenario: "auto", autoStopTimeout: 259_200, count: 3000, seed, now: 1_700_000_000 });
      expect(events.at(-1)?.Timestamp).toBe(1_700_000_000);
      expect(Math.max(...events.map((event) => event.Timestamp))).toBe(1_700_000_000);
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
