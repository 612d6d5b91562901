import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checks } from "../../contract-tests/checks.js";
import { defineReceiverContract } from "../../contract-tests/vitest.js";
import { createReceiver } from "../../src/receiver/reference-receiver.js";
import { serve, type RunningServer } from "../../src/server/node.js";
import { hardenedContract } from "../helpers/hardened-contract.js";

const callbackKey = "vitest-contract-key";
const sdkAppId = 1400000001;

// The reference receiver, hardened, over real HTTP on a port only known once beforeAll has run.
const announced = new Set<string>();
const receiver = createReceiver({ callbackKey, sdkAppId, confirm: async (event) => announced.has(event.EventData.TaskId) });
let server: RunningServer | undefined;
beforeAll(async () => {
  server = await serve(receiver.fetch);
});
afterAll(async () => {
  await server?.close();
});

defineReceiverContract({
  name: "defineReceiverContract over HTTP, target given lazily",
  target: () => `${server?.url}/tiw/whiteboard-push/callback`,
  callbackKey,
  sdkAppId,
  ...hardenedContract(announced),
});

interface JsonReport {
  testResults: { assertionResults: { title: string; ancestorTitles: string[]; status: string; failureMessages: string[] }[] }[];
}

describe("defineReceiverContract seen from outside", () => {
  it("registers one test per check and fails exactly the broken one, with the evidence; an unreachable target fails them all", async () => {
    const output = join(mkdtempSync(join(tmpdir(), "tiw-push-kit-vitest-")), "report.json");
    const root = new URL("../..", import.meta.url).pathname;
    const run = promisify(execFile)("npx", ["--no-install", "vitest", "run", "--config", "test/broken-receivers/vitest-fixture/vitest.config.ts", "--reporter=json", `--outputFile=${output}`], { cwd: root });
    // The fixtures contain failing tests on purpose, so vitest exits 1.
    await expect(run).rejects.toMatchObject({ code: 1 });
    const report = JSON.parse(readFileSync(output, "utf8")) as JsonReport;
    const results = report.testResults.flatMap((file) => file.assertionResults);

    const expiry = results.filter((result) => result.ancestorTitles.includes("ignores expiry"));
    const basicChecks = checks.filter((check) => check.level === "basic" && check.needs !== "recovery");
    expect(expiry.map((result) => result.title)).toEqual(basicChecks.map((check) => `${check.name}: ${check.description}`));
    expect(expiry.filter((result) => result.status === "failed").map((result) => result.title.split(":")[0])).toEqual(["rejects-expired"]);
    expect(expiry.filter((result) => result.status !== "failed").every((result) => result.status === "passed")).toBe(true);
    const message = expiry.find((result) => result.status === "failed")?.failureMessages.join("\n") ?? "";
    expect(message).toContain("rejects-expired: WhiteboardPushStarted with an ExpireTime 3600 s in the past was accepted");
    expect(message).toMatch(/sent: {5}WhiteboardPushStarted with an ExpireTime 3600 s in the past: POST http:\/\/receiver\.local\//);
    expect(message).toMatch(/received: HTTP 200 \{"error_code":0\} after \d+ ms/);
    expect(message).toContain("expected: a 4xx status: the callback must be refused");

    const unreachable = results.filter((result) => result.ancestorTitles.includes("unreachable"));
    expect(unreachable.map((result) => result.status)).toEqual(["failed", "failed"]);
    expect(unreachable[0]?.failureMessages.join("\n")).toContain("tiw-push-kit: cannot reach the receiver at http://127.0.0.1:9/callback");
  });
});
