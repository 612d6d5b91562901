import { afterEach, describe, expect, it } from "vitest";
import { runContract } from "../../contract-tests/run-contract.js";
import { serve } from "../../src/server/node.js";
import { serveTiwApi } from "../../src/server/serve-tiw-api.js";
import { cli } from "../helpers/cli.js";
import { createPollingReceiver, type Recovery } from "../helpers/polling-receiver.js";

const callbackKey = "recovery-test-key";
const sdkAppId = 1400000001;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A receiver (polling or not) whose TIW client calls a stand-in that delivers to it. */
async function receiverWithStandIn(recovery: Recovery) {
  let tiwUrl = "";
  const receiver = createPollingReceiver({ callbackKey, sdkAppId, tiwUrl: () => tiwUrl, pollAfterMs: 500, recovery });
  const receiverServer = await serve(receiver.fetch);
  const tiw = await serveTiwApi({ port: 0, dashboard: false, callback: `${receiverServer.url}/callback`, callbackKey, prepareSeconds: 0.1, retries: 0 });
  tiwUrl = tiw.url;
  cleanups.push(() => receiverServer.close(), () => receiver.close(), () => tiw.close());
  return { target: `${receiverServer.url}/callback`, tiwUrl: tiw.url };
}

/** The recovery check alone, with state inspection, against such a pair. */
async function recoveryCheck(recovery: Recovery) {
  const { target, tiwUrl } = await receiverWithStandIn(recovery);
  return runContract({
    target,
    callbackKey,
    sdkAppId,
    only: ["recovers-lost-callback"],
    inspect: "/tasks/{TaskId}",
    recovery: { api: tiwUrl, waitSeconds: 3 },
  });
}

describe("recovers-lost-callback", () => {
  it("passes a receiver that asks DescribeWhiteboardPush (with the official SDK) when a Stopped does not come, and ends STOPPED", async () => {
    const report = await recoveryCheck("recovers");
    expect(report.results).toEqual([expect.objectContaining({ name: "recovers-lost-callback", status: "pass" })]);
    expect(report.ok).toBe(true);
  });

  it("fails a receiver that never asks, saying what TIW's FAQ asks for", async () => {
    const report = await recoveryCheck("never-asks");
    const [result] = report.results;
    expect(result).toMatchObject({ name: "recovers-lost-callback", status: "fail" });
    expect(result?.message).toMatch(/^the receiver did not ask DescribeWhiteboardPush about task \w+ within 3 s of its lost Stopped: TIW's FAQ asks you to call DescribeWhiteboardPush/);
    expect(result?.evidence?.sent).toMatch(/stopped with its WhiteboardPushStopped lost for good$/);
    expect(report.ok).toBe(false);
  });

  it("fails a receiver that asks but does not end STOPPED, when its state can be read", async () => {
    const report = await recoveryCheck("asks-only");
    expect(report.results[0]).toMatchObject({ status: "fail", message: expect.stringMatching(/^the receiver asked DescribeWhiteboardPush about task \w+, but its state is not STOPPED$/) });
    expect(report.results[0]?.evidence?.received).toMatch(/"Status":"PUSHING"/);
  });

  it("runs from verify with --recovery-api and --recovery-wait, opt-in and listed as such", async () => {
    const { target, tiwUrl } = await receiverWithStandIn("never-asks");
    const args = ["verify", "--target", target, "--key", callbackKey, "--sdk-app-id", String(sdkAppId), "--only", "recovers-lost-callback"];
    const failed = await cli([...args, "--recovery-api", tiwUrl, "--recovery-wait", "1"]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/FAIL {2}recovers-lost-callback +the receiver did not ask DescribeWhiteboardPush about task \w+ within 1 s/);
    expect((await cli(args)).stdout).toMatch(/SKIP {2}recovers-lost-callback .*--recovery-api/);
    expect((await cli(["verify", "--list"])).stdout).toMatch(/recovers-lost-callback .*\[basic, optional: --recovery-api\]/);
  });
});
