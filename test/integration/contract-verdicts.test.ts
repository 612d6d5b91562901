import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReceiver } from "../../src/receiver/reference-receiver.js";
import { serve, type RunningServer } from "../../src/server/node.js";
import { cli } from "../helpers/cli.js";
import { refusedUrl } from "../helpers/servers.js";

const key = "verdict-key";
const sdkAppId = "1400000001";
const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-verdicts-"));
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" });

// A receiver that acknowledges everything valid but drops every Stopped event on the floor: only the state checks can see it.
const dropsStopped = createReceiver({ callbackKey: key, sdkAppId: Number(sdkAppId), onEvent: () => {} });
let server: RunningServer;
let wrongKeyServer: RunningServer;
beforeAll(async () => {
  server = await serve(dropsStopped.fetch);
  wrongKeyServer = await serve(createReceiver({ callbackKey: "the-receivers-other-key", sdkAppId: Number(sdkAppId) }).fetch);
});
afterAll(async () => {
  await server.close();
  await wrongKeyServer.close();
});

describe("contract verdicts never overstate", () => {
  it("does not say a receiver meets the contract when checks could not run, and says how to run them", async () => {
    const result = await cli(["verify", "--target", `${server.url}/cb`, "--key", key, "--sdk-app-id", sdkAppId, "--seed", "1"]);
    expect(result.code).toBe(0);
    const summary = result.stdout.trimEnd().split("\n").at(-1) ?? "";
    expect(summary).not.toContain("meets the contract");
    expect(summary).toMatch(/not verified/);
    expect(result.stdout).toContain("--inspect-url");
  });

  it("fails the run with --require-all when a check could not run", async () => {
    const result = await cli(["verify", "--target", `${server.url}/cb`, "--key", key, "--sdk-app-id", sdkAppId, "--seed", "1", "--require-all", "--json"]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { ok: boolean; results: Array<{ name: string; status: string }> };
    expect(report.ok).toBe(false);
    expect(report.results.filter((check) => check.name.startsWith("state-")).map((check) => check.status)).toEqual(["fail", "fail", "fail"]);
  });

  it("says what most likely differs when every signed callback is refused with 401", async () => {
    const result = await cli(["verify", "--target", `${wrongKeyServer.url}/cb`, "--key", key, "--sdk-app-id", sdkAppId, "--seed", "1"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/every signed callback was refused with 401/);
    expect(result.stdout).toContain("md5(key + ExpireTime)");
  });

  it("writes --junit into a folder that does not exist yet, and writes it even when the receiver cannot be reached", async () => {
    const junit = join(dir, "new", "deeper", "contract.xml");
    const ok = await cli(["verify", "--target", `${server.url}/cb`, "--key", key, "--sdk-app-id", sdkAppId, "--junit", junit]);
    expect(ok.code).toBe(0);
    expect(existsSync(junit)).toBe(true);

    const unreachable = join(dir, "other", "unreachable.xml");
    const failed = await cli(["verify", "--target", await refusedUrl(), "--key", key, "--sdk-app-id", sdkAppId, "--junit", unreachable]);
    expect(failed.code).toBe(2);
    const parsed = xml.parse(readFileSync(unreachable, "utf8")) as { testsuites: { failures: string; testsuite: { testcase: { name: string; failure: { message: string } } } } };
    expect(parsed.testsuites.failures).toBe("1");
    expect(parsed.testsuites.testsuite.testcase.name).toBe("reaches-receiver");
    expect(parsed.testsuites.testsuite.testcase.failure.message).toMatch(/cannot reach the receiver/);
  });
});
