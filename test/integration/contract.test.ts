import { describe, expect, it } from "vitest";
import { checks } from "../../contract-tests/checks.js";
import { checksWithoutStandIn } from "../helpers/checks-without-stand-in.js";
import { planChecks, runContract, UnreachableTargetError, type ContractOptions, type ContractReport } from "../../contract-tests/run-contract.js";
import { createReceiver, type Receiver, type ReceiverOptions } from "../../src/receiver/reference-receiver.js";
import { serve } from "../../src/server/node.js";
import { hardenedContract } from "../helpers/hardened-contract.js";
import { createConfirmsNothing } from "../broken-receivers/confirms-nothing.js";
import { createCountsDuplicatesTwice } from "../broken-receivers/counts-duplicates-twice.js";
import { createCrashesOnMalformedJson } from "../broken-receivers/crashes-on-malformed-json.js";
import { createCrashesOnUnknownFields } from "../broken-receivers/crashes-on-unknown-fields.js";
import { createFailsOnDuplicate } from "../broken-receivers/fails-on-duplicate.js";
import { createFailsOnOutOfOrder } from "../broken-receivers/fails-on-out-of-order.js";
import { createHangsOnMalformedJson } from "../broken-receivers/hangs-on-malformed-json.js";
import { createIgnoresExpiry } from "../broken-receivers/ignores-expiry.js";
import { createIgnoresSdkAppId } from "../broken-receivers/ignores-sdk-app-id.js";
import { createSkipsSignatureCheck } from "../broken-receivers/skips-signature-check.js";
import { createTooSlow } from "../broken-receivers/too-slow.js";

const callbackKey = "contract-test-key";
const sdkAppId = 1400000001;
// Small, so the hanging and the slow receiver cost little; loopback answers take a few milliseconds.
const timeoutMs = 250;
// Over the budget, well under the three budgets after which a request is abandoned.
const slowMs = 400;
type Way = "over HTTP" | "in-process";
type CreateReceiver = (options: ReceiverOptions) => Receiver;

/**
 * Runs the whole suite at `strict`, with state inspection and the hardened check, against a
 * receiver that confirms exactly the tasks the suite announced (a stand-in for DescribeWhiteboardPush).
 */
async function verifyReceiver(create: CreateReceiver, way: Way, extra: Partial<ContractOptions> = {}): Promise<ContractReport> {
  const announced = new Set<string>();
  const receiver = create({ callbackKey, sdkAppId, confirm: async (event) => announced.has(event.EventData.TaskId) });
  const options: ContractOptions = {
    callbackKey,
    sdkAppId,
    ...hardenedContract(announced),
    timeoutMs,
    ...extra,
  };
  if (way === "in-process") return runContract({ ...options, handler: receiver.fetch });
  const server = await serve(receiver.fetch);
  try {
    return await runContract({ ...options, target: `${server.url}/tiw/whiteboard-push/callback` });
  } finally {
    await server.close();
  }
}

const statusOf = (report: ContractReport) => Object.fromEntries(report.results.map((result) => [result.name, result.status]));
const ways: Way[] = ["over HTTP", "in-process"];

describe("the receiver contract against the reference receiver", () => {
  it.each(ways)("passes every check at strict, %s", async (way) => {
    const report = await verifyReceiver(createReceiver, way, { timeoutMs: 3000 });
    expect(report.results.map((result) => result.name)).toEqual(checksWithoutStandIn.map((check) => check.name));
    expect(report.results.filter((result) => result.status !== "pass")).toEqual([]);
    expect(report).toMatchObject({ ok: true, passed: checksWithoutStandIn.length, failed: 0, warned: 0, skipped: 0, interrupted: false });
  });
});

/** Each broken receiver has one defect; exactly the check aimed at it must fail, with evidence that shows it. */
const broken: [defect: string, create: CreateReceiver, aimedAt: string, received: RegExp][] = [
  ["skips the signature check", createSkipsSignatureCheck, "rejects-bad-sign", /^HTTP 200 /],
  ["ignores expiry", createIgnoresExpiry, "rejects-expired", /^HTTP 200 /],
  ["ignores SdkAppId", createIgnoresSdkAppId, "rejects-foreign-app", /^HTTP 200 /],
  ["500s on unknown fields", createCrashesOnUnknownFields, "accepts-unknown-fields", /^HTTP 500 .*column \\"EventVersion\\" does not exist/],
  ["500s on a duplicate", createFailsOnDuplicate, "accepts-duplicate", /^HTTP 500 .*unique constraint/],
  ["500s on out-of-order", createFailsOnOutOfOrder, "accepts-out-of-order", /^HTTP 500 .*no row for task/],
  ["answers malformed JSON with 500", createCrashesOnMalformedJson, "rejects-malformed-json", /^HTTP 500 .*JSON/],
  ["hangs on malformed JSON", createHangsOnMalformedJson, "rejects-malformed-json", /^no answer within \d+ ms$/],
  ["is too slow", (options) => createTooSlow({ ...options, delayMs: slowMs }), "answers-in-time", /^HTTP 200 .* after (4\d\d|[5-9]\d\d) ms$/],
  ["counts a duplicate twice", createCountsDuplicatesTwice, "state-after-duplicate", /"ExceptionCnt":\d+/],
  ["claims to be hardened but confirms nothing", createConfirmsNothing, "rejects-unknown-task", /^HTTP 200 /],
];

describe("the suite proves itself against broken receivers", () => {
  const cases = broken.flatMap(([defect, create, aimedAt, received]) => ways.map((way) => ({ defect, create, aimedAt, received, way })));

  it.each(cases)("a receiver that $defect fails exactly $aimedAt ($way)", async ({ create, aimedAt, received, way }) => {
    const report = await verifyReceiver(create, way);
    const failed = report.results.filter((result) => result.status === "fail");
    expect(failed.map((result) => result.name)).toEqual([aimedAt]);
    expect(report.ok).toBe(false);
    // Everything else passes, except a state check that cannot judge what the receiver refused to acknowledge.
    for (const result of report.results.filter((result) => result.name !== aimedAt && result.status !== "pass")) {
      expect(result).toMatchObject({ status: "skip", name: expect.stringMatching(/^state-/), message: expect.stringContaining(`see ${aimedAt}`) });
    }
    const evidence = failed[0]?.evidence;
    expect(evidence?.sent).toMatch(/^.+: (POST|GET) http:\/\/|^.+, then read the state of task /);
    expect(evidence?.received).toMatch(received);
    expect(evidence?.expected).not.toBe("");
  });
});

describe("check selection and outcomes", () => {
  it("runs the basic checks at basic, all at strict, and named ones with only, whatever their level", () => {
    const names = (options: Parameters<typeof planChecks>[0]) => planChecks(options).map(({ check }) => check.name);
    expect(names({})).not.toContain("survives-burst");
    expect(names({})).not.toContain("rejects-unknown-task");
    expect(names({ level: "strict", hardened: true })).toEqual(checksWithoutStandIn.map((check) => check.name));
    expect(names({ level: "strict", hardened: true, recovery: { api: "http://127.0.0.1:4010" } })).toEqual(checks.map((check) => check.name));
    expect(names({})).not.toContain("recovers-lost-callback");
    expect(names({ level: "strict" })).not.toContain("rejects-unknown-task");
    expect(names({ level: "basic", only: ["survives-burst", "rejects-expired"] })).toEqual(["rejects-expired", "survives-burst"]);
    expect(() => planChecks({ only: ["rejects-everything"] })).toThrow(/^tiw-push-kit: unknown check 'rejects-everything'/);
    const skipped = planChecks({ level: "strict", only: ["rejects-unknown-task", "state-after-duplicate", "accepts-started"] }).filter((planned) => planned.skipReason);
    expect(skipped.map(({ check }) => check.name)).toEqual(["state-after-duplicate", "rejects-unknown-task"]);
  });

  it("warns at basic and fails at strict when a 200 does not carry {\"error_code\":0}", async () => {
    const plain: CreateReceiver = (options) => {
      const receiver = createReceiver(options);
      return {
        tasks: receiver.tasks,
        async fetch(request) {
          const response = await receiver.fetch(request);
          return response.status === 200 && request.method === "POST" ? new Response("OK") : response;
        },
      };
    };
    const basic = await verifyReceiver(plain, "in-process", { level: "basic" });
    const accepts = ["accepts-started", "accepts-stopped-user-call", "accepts-stopped-auto", "accepts-stopped-exception"];
    expect(basic.ok).toBe(true);
    expect(basic.results.filter((result) => result.status === "warn").map((result) => result.name)).toEqual(accepts);
    expect(basic.results.find((result) => result.status === "warn")?.evidence).toMatchObject({ received: expect.stringMatching(/^HTTP 200 OK after/), expected: 'HTTP 200 with the body {"error_code":0}' });
    const strict = await verifyReceiver(plain, "in-process");
    expect(strict.results.filter((result) => result.status === "fail").map((result) => result.name)).toEqual(accepts);
  });

  it("skips the state checks, rather than failing them twice, when their callbacks were not acknowledged", async () => {
    const failing: CreateReceiver = (options) => {
      const receiver = createReceiver(options);
      return { tasks: receiver.tasks, fetch: async (request) => (request.method === "POST" ? new Response("down", { status: 503 }) : receiver.fetch(request)) };
    };
    const statuses = statusOf(await verifyReceiver(failing, "in-process"));
    expect(statuses).toMatchObject({ "accepts-started": "fail", "survives-burst": "fail", "state-after-sequence": "skip", "state-after-out-of-order": "skip", "state-after-duplicate": "skip" });
    // 503 is not a 4xx: a receiver that is down must not pass the rejection checks by accident.
    expect(statuses).toMatchObject({ "rejects-bad-sign": "fail", "rejects-malformed-json": "fail" });
  });

  it("reports the state checks as skipped, which does not fail the run, without inspect; leaves out the hardened check unless opted in", async () => {
    const report = await verifyReceiver(createReceiver, "in-process", { inspect: undefined, hardened: false, timeoutMs: 3000 });
    expect(report).toMatchObject({ ok: true, failed: 0, skipped: 3 });
    expect(report.results.map((result) => result.name)).not.toContain("rejects-unknown-task");
    expect(report.results.find((result) => result.name === "state-after-duplicate")?.message).toContain("--inspect-url");
  });

  it("reads state through an inspect function too, and fails a check whose inspect hook throws", async () => {
    const receiver = createReceiver({ callbackKey, sdkAppId });
    const options = { handler: receiver.fetch, callbackKey, sdkAppId, only: ["state-after-duplicate", "state-after-out-of-order"] };
    const good = await runContract({ ...options, inspect: async (taskId) => receiver.tasks.get(taskId) });
    expect(statusOf(good)).toEqual({ "state-after-out-of-order": "pass", "state-after-duplicate": "pass" });
    const broken = await runContract({ ...options, inspect: async () => Promise.reject(new Error("database is gone")) });
    expect(broken.results.map((result) => [result.status, result.message])).toEqual([
      ["fail", "the check could not run: database is gone"],
      ["fail", "the check could not run: database is gone"],
    ]);
  });

  it("reproduces a run's callbacks from its seed", async () => {
    const bodies = async (seed: number) => {
      const sent: string[] = [];
      const receiver = createReceiver({ callbackKey, sdkAppId, now: () => 1700000000 });
      const handler = async (request: Request) => {
        sent.push(await request.clone().text());
        return receiver.fetch(request);
      };
      await runContract({ handler, callbackKey, sdkAppId, seed, now: () => 1700000000, only: ["accepts-duplicate"] });
      return sent;
    };
    expect(await bodies(5)).toEqual(await bodies(5));
    expect(await bodies(5)).not.toEqual(await bodies(6));
  });

  it("stops between checks when interrupted and says so", async () => {
    const controller = new AbortController();
    const report = await runContract(
      { handler: createReceiver({ callbackKey, sdkAppId }).fetch, callbackKey, sdkAppId },
      { signal: controller.signal, onResult: (_result, index) => void (index === 2 && controller.abort()) },
    );
    expect(report.results.slice(0, 2).map((result) => result.status)).toEqual(["pass", "pass"]);
    expect(report.results.slice(2).every((result) => result.status === "skip" && result.message === "interrupted")).toBe(true);
    expect(report).toMatchObject({ ok: false, interrupted: true });
  });
});

describe("reaching the receiver", () => {
  it("refuses an unreachable target with one clear error before any check runs", async () => {
    const server = await serve(async () => new Response(null));
    const url = `${server.url}/callback`;
    await server.close();
    const run = runContract({ target: url, callbackKey, sdkAppId, timeoutMs: 500 });
    await expect(run).rejects.toBeInstanceOf(UnreachableTargetError);
    await expect(run).rejects.toThrow(new RegExp(`^tiw-push-kit: cannot reach the receiver at ${url}: no answer: connection refused \\(ECONNREFUSED\\)`));
  });

  it("gives up on a receiver that accepts connections but never answers", async () => {
    const server = await serve((request) => new Promise((resolve) => request.signal.addEventListener("abort", () => resolve(new Response(null)))));
    try {
      await expect(runContract({ target: server.url, callbackKey, sdkAppId, timeoutMs: 100 })).rejects.toThrow(/no answer within \d+ ms/);
    } finally {
      await server.close();
    }
  });

  it("rejects invalid options with a RangeError", async () => {
    const handler = createReceiver({ callbackKey, sdkAppId }).fetch;
    await expect(runContract({ callbackKey, sdkAppId })).rejects.toThrow("tiw-push-kit: give either target (a URL) or handler (a fetch handler)");
    await expect(runContract({ target: "ftp://example.test/cb", callbackKey, sdkAppId })).rejects.toThrow(RangeError);
    await expect(runContract({ handler, callbackKey, sdkAppId, inspect: "/tasks/" })).rejects.toThrow("must contain {TaskId}");
    await expect(runContract({ handler, callbackKey, sdkAppId: 0 })).rejects.toThrow("sdkAppId must be a whole number >= 1");
    await expect(runContract({ handler, callbackKey: "", sdkAppId })).rejects.toThrow("callbackKey is required");
  });
});
