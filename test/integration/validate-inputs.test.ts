import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate } from "../../src/generate/generate.js";
import { cli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-validate-"));
const [started, stopped] = generate({ count: 1, seed: 8, now: 1700000000, sdkAppId: 1400000001 });

describe("validate takes what users have at hand", () => {
  it("checks several files in one run, each body named by its file", async () => {
    const first = join(dir, "first.json");
    const second = join(dir, "second.jsonl");
    writeFileSync(first, JSON.stringify(started));
    writeFileSync(second, `${JSON.stringify(stopped)}\n${JSON.stringify({ ...stopped, EventData: { ...stopped!.EventData, RoomId: "x" } })}\n`);
    const result = await cli(["validate", first, second, "--json"]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { total: number; invalid: number; findings: Array<{ location: string }> };
    expect(report).toMatchObject({ total: 3, invalid: 1 });
    expect(report.findings[0]?.location).toBe(`${second}:2`);
  });

  it("reads concatenated pretty-printed JSON objects, as a log or a paste gives them", async () => {
    const text = `${JSON.stringify(started, null, 2)}\n${JSON.stringify(stopped, null, 2)}{"EventType":"WhiteboardPushStarted"}`;
    const result = await cli(["validate", "-", "--json"], { stdin: text });
    const report = JSON.parse(result.stdout) as { total: number; valid: number; invalid: number };
    expect(report).toMatchObject({ total: 3, valid: 2, invalid: 1 });
  });

  it("checks the SdkAppId with --sdk-app-id even without a key", async () => {
    const result = await cli(["validate", "-", "--sdk-app-id", "1400000002", "--json"], { stdin: JSON.stringify(started) });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ invalid: 1, findings: [{ reason: "wrong_app" }] });
  });
});
