import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReceiver } from "../../src/receiver/reference-receiver.js";
import { serve, type RunningServer } from "../../src/server/node.js";
import { cli } from "../helpers/cli.js";

const sdkAppId = "1400000001";

describe("verify without --key: the unsigned profile", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await serve(createReceiver({ unsigned: true, sdkAppId: Number(sdkAppId) }).fetch);
  });
  afterAll(() => server.close());

  it("says so once on stderr, passes an unsigned receiver, and reports the signature checks as not run", async () => {
    const result = await cli(["verify", "--target", `${server.url}/callback`, "--sdk-app-id", sdkAppId, "--seed", "1", "--json"], { env: { TIW_CALLBACK_KEY: "" } });
    expect(result.code).toBe(0);
    expect(result.stderr.split("\n").filter((line) => line.includes("unsigned profile"))).toEqual([expect.stringMatching(/no --key.*without Sign or ExpireTime.*skipped/)]);
    const report = JSON.parse(result.stdout) as { complete: boolean; skipped: number; results: { name: string; status: string; message?: string }[] };
    expect(report.complete).toBe(false);
    const unsignedSkips = report.results.filter((check) => check.status === "skip" && check.message?.startsWith("unsigned profile:"));
    expect(unsignedSkips.map((check) => check.name)).toEqual(["rejects-bad-sign", "rejects-expired", "rejects-missing-sign"]);
  });

  it("fails the checks it could not run with --require-all", async () => {
    const result = await cli(["verify", "--target", `${server.url}/callback`, "--sdk-app-id", sdkAppId, "--seed", "1", "--require-all", "--only", "accepts-started,rejects-expired"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/rejects-expired.*not run: unsigned profile/);
  });
});
