import { describe, expect, it } from "vitest";
import { checks } from "../../contract-tests/checks.js";
import { planChecks, runContract, type ContractOptions } from "../../contract-tests/run-contract.js";
import { createReceiver, type Receiver, type ReceiverOptions } from "../../src/receiver/reference-receiver.js";
import { hardenedContract } from "../helpers/hardened-contract.js";
import { createFailsOnDuplicate } from "../broken-receivers/fails-on-duplicate.js";
import { createIgnoresSdkAppId } from "../broken-receivers/ignores-sdk-app-id.js";

const sdkAppId = 1400000001;
const signatureChecks = ["rejects-bad-sign", "rejects-expired", "rejects-missing-sign"];

/** The whole suite at strict, hardened and inspected, in the unsigned profile, against a receiver without a key. */
async function verifyUnsigned(create: (options: ReceiverOptions) => Receiver, extra: Partial<ContractOptions> = {}) {
  const announced = new Set<string>();
  const sent: string[] = [];
  const receiver = create({ unsigned: true, sdkAppId, confirm: async (event) => announced.has(event.EventData.TaskId) });
  const handler = async (request: Request) => {
    if (request.method === "POST") sent.push(await request.clone().text());
    return receiver.fetch(request);
  };
  const report = await runContract({ handler, unsigned: true, sdkAppId, ...hardenedContract(announced), timeoutMs: 3000, ...extra });
  return { report, sent };
}

describe("the unsigned profile (receivers of an app without a callback key)", () => {
  it("sends callbacks without Sign or ExpireTime, passes the reference receiver, and skips the signature checks naming the profile", async () => {
    const { report, sent } = await verifyUnsigned(createReceiver);
    expect(sent.length).toBeGreaterThan(10);
    for (const body of sent) expect(body).not.toMatch(/"(Sign|ExpireTime)"/);
    const notPassed = report.results.filter((result) => result.status !== "pass");
    expect(notPassed.map((result) => [result.name, result.status])).toEqual(signatureChecks.map((name) => [name, "skip"]));
    for (const result of notPassed) expect(result.message).toMatch(/^unsigned profile: .*no Sign or ExpireTime/);
    // The verdict never overstates: a run with checks not run is not complete.
    expect(report).toMatchObject({ ok: true, complete: false, passed: checks.length - 4, skipped: 3, failed: 0 });
  });

  it("fails the signature checks as not run with requireAll", async () => {
    const { report } = await verifyUnsigned(createReceiver, { requireAll: true, only: [...signatureChecks, "accepts-started"] });
    expect(report.results.map((result) => [result.name, result.status])).toEqual([["accepts-started", "pass"], ...signatureChecks.map((name) => [name, "fail"])]);
    expect(report.results.find((result) => result.status === "fail")?.message).toMatch(/^not run: unsigned profile: /);
    expect(report.ok).toBe(false);
  });

  it("plans the signature checks as skipped in the unsigned profile only", () => {
    const skipped = (options: Parameters<typeof planChecks>[0]) => planChecks(options).filter((planned) => planned.skipReason).map(({ check }) => check.name);
    expect(skipped({ unsigned: true, inspect: "/tasks/{TaskId}" })).toEqual(signatureChecks);
    expect(skipped({ inspect: "/tasks/{TaskId}" })).toEqual([]);
  });

  it.each([
    ["ignores SdkAppId", createIgnoresSdkAppId, "rejects-foreign-app"],
    ["500s on a duplicate", createFailsOnDuplicate, "accepts-duplicate"],
  ] as const)("still fails exactly its check for a receiver that %s", async (_, create, aimedAt) => {
    const { report } = await verifyUnsigned(create);
    expect(report.results.filter((result) => result.status === "fail").map((result) => result.name)).toEqual([aimedAt]);
  });

  it("tells a receiver that wants a signature from one that is broken", async () => {
    const keyed = createReceiver({ callbackKey: "the-receivers-key", sdkAppId });
    const report = await runContract({ handler: keyed.fetch, unsigned: true, sdkAppId, timeoutMs: 3000 });
    expect(report.results.find((result) => result.name === "accepts-started")).toMatchObject({ status: "fail", evidence: { received: expect.stringMatching(/^HTTP 401 /) } });
    expect(report.hints).toEqual([expect.stringMatching(/^every callback was refused with 401: the unsigned profile sends no Sign or ExpireTime.*callback key/)]);
  });

  it("takes either a callback key or unsigned: true, never both or neither", async () => {
    const handler = createReceiver({ unsigned: true }).fetch;
    const both = { handler, sdkAppId, unsigned: true, callbackKey: "k" } as unknown as ContractOptions;
    await expect(runContract(both)).rejects.toThrow(/^tiw-push-kit: give either callbackKey or unsigned: true, not both/);
    const neither = { handler, sdkAppId } as unknown as ContractOptions;
    await expect(runContract(neither)).rejects.toThrow(/^tiw-push-kit: callbackKey is required, or unsigned: true for a receiver without a callback key/);
  });
});
