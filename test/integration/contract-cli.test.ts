import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checks } from "../../contract-tests/checks.js";
import { checksWithoutStandIn } from "../helpers/checks-without-stand-in.js";
import { createReceiver, type Receiver } from "../../src/receiver/reference-receiver.js";
import { serve, type RunningServer } from "../../src/server/node.js";
import type { FetchHandler } from "../../src/tiw/fetch-handler.js";
import { createIgnoresExpiry } from "../broken-receivers/ignores-expiry.js";
import { run } from "../../src/cli/main.js";
import { cli } from "../helpers/cli.js";

const key = "verify-cli-key";
const sdkAppId = "1400000001";
const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-verify-"));
const servers: RunningServer[] = [];

async function start(handler: FetchHandler): Promise<string> {
  const server = await serve(handler);
  servers.push(server);
  return server.url;
}

/** A hardened reference receiver, and the stand-in endpoint that the suite announces its tasks to. */
async function hardenedReceiver(): Promise<{ receiver: Receiver; url: string; announceUrl: string }> {
  const known = new Set<string>();
  const receiver = createReceiver({ callbackKey: key, sdkAppId: Number(sdkAppId), confirm: async (event) => known.has(event.EventData.TaskId) });
  const announceUrl = await start(async (request) => {
    const started = (await request.json()) as { EventData: { TaskId: string } };
    known.add(started.EventData.TaskId);
    return new Response(null, { status: 204 });
  });
  return { receiver, url: await start(receiver.fetch), announceUrl };
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" });

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe("verify", () => {
  let reference: { url: string; announceUrl: string };
  let brokenUrl: string;
  beforeAll(async () => {
    reference = await hardenedReceiver();
    brokenUrl = await start(createIgnoresExpiry({ callbackKey: key, sdkAppId: Number(sdkAppId) }).fetch);
  });

  it("--list prints every check with one line of explanation, also as JSON", async () => {
    const listed = await cli(["verify", "--list"]);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split("\n");
    expect(lines.map((line) => line.split(/\s+/)[0])).toEqual(checks.map((check) => check.name));
    expect(lines.find((line) => line.startsWith("state-after-duplicate"))).toContain("optional: needs --inspect-url");
    const json = JSON.parse((await cli(["verify", "--list", "--json"])).stdout);
    expect(json).toContainEqual({ name: "survives-burst", description: expect.any(String), level: "strict", optional: false });
    expect(json).toContainEqual(expect.objectContaining({ name: "rejects-unknown-task", optional: true, needs: "hardened" }));
  });

  it("passes the hardened reference receiver at strict with state checks, key from TIW_CALLBACK_KEY, and writes JUnit", async () => {
    const junit = join(dir, "reference.xml");
    const result = await cli(
      ["verify", "--target", `${reference.url}/callback`, "--sdk-app-id", sdkAppId, "--level", "strict", "--inspect-url", `${reference.url}/tasks/{TaskId}`, "--hardened", "--announce-url", reference.announceUrl, "--junit", junit, "--seed", "9"],
      { env: { TIW_CALLBACK_KEY: key } },
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines.slice(0, -1).map((line) => line.slice(0, 6))).toEqual(checksWithoutStandIn.map(() => "PASS  "));
    expect(lines.at(-1)).toMatch(new RegExp(`^${checksWithoutStandIn.length} checks: ${checksWithoutStandIn.length} passed, 0 failed, 0 warned, 0 skipped — the receiver meets the contract \\(level strict, budget 3000 ms, seed \\d+\\)$`));
    expect(result.stdout).not.toContain(key);
    const text = readFileSync(junit, "utf8");
    expect(XMLValidator.validate(text)).toBe(true);
    const suite = xml.parse(text).testsuites.testsuite;
    expect(suite).toMatchObject({ tests: String(checksWithoutStandIn.length), failures: "0", skipped: "0" });
    expect(suite.testcase.map((testcase: { name: string }) => testcase.name)).toEqual(checksWithoutStandIn.map((check) => check.name));
  });

  it("exits 1 and shows what was sent, what came back and what was expected for a failing check", async () => {
    const result = await cli(["verify", "--target", brokenUrl, "--key", key, "--sdk-app-id", sdkAppId]);
    expect(result.code).toBe(1);
    const failure = result.stdout.split("\n").findIndex((line) => line.startsWith("FAIL"));
    expect(result.stdout.split("\n").slice(failure, failure + 4)).toEqual([
      expect.stringMatching(/^FAIL {2}rejects-expired +WhiteboardPushStarted with an ExpireTime 3600 s in the past was accepted \(\d+ ms\)$/),
      expect.stringMatching(/^ {6}sent: {5}WhiteboardPushStarted with an ExpireTime 3600 s in the past: POST http:\/\/127\.0\.0\.1:\d+ \{"EventType":"WhiteboardPushStarted"/),
      expect.stringMatching(/^ {6}received: HTTP 200 \{"error_code":0\} after \d+ ms$/),
      "      expected: a 4xx status: the callback must be refused",
    ]);
    expect(result.stdout.match(/^FAIL/gm)).toHaveLength(1);
    expect(result.stdout).toMatch(/1 failed, 0 warned, 3 skipped — the receiver breaks the contract \(level basic/);
  });

  it("--json prints only the report on stdout; --only picks checks by name", async () => {
    const result = await cli(["verify", "--target", brokenUrl, "--key", key, "--sdk-app-id", sdkAppId, "--only", "rejects-expired, accepts-started", "--json"]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: false, passed: 1, failed: 1, level: "basic", target: brokenUrl });
    expect(report.results.map((check: { name: string; status: string }) => [check.name, check.status])).toEqual([
      ["accepts-started", "pass"],
      ["rejects-expired", "fail"],
    ]);
    expect(report.results[1].evidence).toMatchObject({ received: expect.stringMatching(/^HTTP 200/), expected: expect.stringContaining("4xx") });
  });

  it("writes valid JUnit XML with every character of the evidence escaped", async () => {
    const hostile = await start(async () => new Response(`<script>alert("x" & 'y')</script>\u0001]]>`, { status: 500 }));
    const junit = join(dir, "hostile.xml");
    const result = await cli(["verify", "--target", hostile, "--key", key, "--sdk-app-id", sdkAppId, "--only", "accepts-started,rejects-bad-sign", "--junit", junit]);
    expect(result.code).toBe(1);
    const text = readFileSync(junit, "utf8");
    expect(XMLValidator.validate(text)).toBe(true);
    const suite = xml.parse(text).testsuites.testsuite;
    expect(suite).toMatchObject({ tests: "2", failures: "2" });
    const [accepted] = suite.testcase as { failure: { message: string; "#text": string } }[];
    expect(accepted?.failure.message).toBe("WhiteboardPushStarted was not acknowledged");
    expect(accepted?.failure["#text"]).toContain(`received: HTTP 500 <script>alert("x" & 'y')</script>\uFFFD]]> after`);
  });

  it("shows the running check on a terminal, erased before each result line", async () => {
    const collected = { stdout: "", stderr: "" };
    const output = (name: "stdout" | "stderr") => ({ isTTY: true, write: (chunk: string) => ((collected[name] += chunk), true) });
    const code = await run(["verify", "--target", brokenUrl, "--key", key, "--sdk-app-id", sdkAppId, "--only", "accepts-started,rejects-expired", "--seed", "2"], {
      stdout: output("stdout"),
      stderr: output("stderr"),
      stdin: (async function* () {})(),
      env: {},
      fetch: globalThis.fetch,
      interrupted: new Promise(() => {}),
    });
    expect(code).toBe(1);
    expect(collected.stderr).toBe("\r\x1b[K[1/2] accepts-started…\r\x1b[K\r\x1b[K[2/2] rejects-expired…\r\x1b[K");
    expect(collected.stdout).not.toContain("\x1b");
  });

  it("stops on Ctrl-C between checks, reports what ran and exits 1", async () => {
    let interrupt = () => {};
    const stdout = { text: "", write: (chunk: string) => ((stdout.text += chunk), true) };
    const code = await run(["verify", "--target", brokenUrl, "--key", key, "--sdk-app-id", sdkAppId], {
      stdout: {
        write: (chunk: string) => {
          // The first result line is the moment the user presses Ctrl-C.
          if (chunk.startsWith("PASS")) interrupt();
          return stdout.write(chunk);
        },
      },
      stderr: { write: () => true },
      stdin: (async function* () {})(),
      env: {},
      fetch: globalThis.fetch,
      interrupted: new Promise<void>((resolve) => (interrupt = resolve)),
    });
    expect(code).toBe(1);
    expect(stdout.text.match(/^PASS/gm)).toHaveLength(1);
    expect(stdout.text).toMatch(/^SKIP {2}accepts-stopped-user-call +interrupted$/m);
    expect(stdout.text).toMatch(/— interrupted \(level basic/);
  });

  it("exits 2 with a clear message when the target cannot be reached", async () => {
    const gone = await serve(async () => new Response(null));
    await gone.close();
    const result = await cli(["verify", "--target", `${gone.url}/callback`, "--key", key, "--sdk-app-id", sdkAppId]);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toContain(`tiw-push-kit: cannot reach the receiver at ${gone.url}/callback: no answer: connection refused (ECONNREFUSED)`);
  });

  it.each([
    [["--key", key, "--sdk-app-id", sdkAppId], "--target is required"],
    [["--target", "ftp://x", "--key", key, "--sdk-app-id", sdkAppId], "--target must be an http(s) URL, got 'ftp://x'"],
    [["--target", "http://127.0.0.1:9/cb", "--key", key], "--sdk-app-id is required"],
    [["--target", "http://127.0.0.1:9/cb", "--key", key, "--sdk-app-id", sdkAppId, "--level", "paranoid"], "--level must be one of basic, strict, got 'paranoid'"],
    [["--target", "http://127.0.0.1:9/cb", "--key", key, "--sdk-app-id", sdkAppId, "--only", "rejects-bad-sign,rejects-everything"], "unknown check 'rejects-everything'"],
    [["--target", "http://127.0.0.1:9/cb", "--key", key, "--sdk-app-id", sdkAppId, "--inspect-url", "http://127.0.0.1:9/tasks"], "--inspect-url must contain {TaskId}"],
    [["--target", "http://127.0.0.1:9/cb", "--key", key, "--sdk-app-id", sdkAppId, "--timeout", "0"], "--timeout must be a whole number in [1, 600000]"],
  ])("exits 2 on bad usage: %j", async (args, message) => {
    const result = await cli(["verify", ...args]);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toContain(message);
    expect(result.stderr.split("\n")[0]).toMatch(/^tiw-push-kit verify: /);
  });
});
