import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createReceiver } from "../../src/receiver/reference-receiver.js";
import { serve, type RunningServer } from "../../src/server/node.js";
import { openJournal } from "../../src/delivery/index.js";
import { generate } from "../../src/generate/generate.js";
import type { WhiteboardPushEvent } from "../../src/tiw/events.js";
import { cli } from "../helpers/cli.js";
import { liveCli, recordingServer, refusedUrl, waitFor } from "../helpers/servers.js";

const key = "emit-test-key";
const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-emit-"));
let journals = 0;
const freshJournal = () => join(dir, `journal-${++journals}.db`);
const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** The reference receiver over real HTTP, recording what it accepted. */
async function referenceReceiver() {
  const receiver = createReceiver({ callbackKey: key, sdkAppId: 1400000001 });
  const accepted: WhiteboardPushEvent[] = [];
  const server = await serve(async (request) => {
    const response = await receiver.fetch(request.clone());
    if (response.status === 200) accepted.push((await request.json()) as WhiteboardPushEvent);
    return response;
  });
  servers.push(server);
  return { receiver, accepted, url: `${server.url}/callback` };
}

async function tracked<T extends RunningServer>(server: Promise<T>): Promise<T> {
  const running = await server;
  servers.push(running);
  return running;
}

const keyOf = (event: WhiteboardPushEvent) => `${event.EventData.TaskId}:${event.EventType}`;

describe("emit", () => {
  it("delivers a generated mixed run to the reference receiver and prints a summary", async () => {
    const { receiver, url } = await referenceReceiver();
    const journal = freshJournal();
    const result = await cli(["emit", "--target", url, "--key", key, "--count", "25", "--concurrency", "4", "--journal", journal]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^sent 50 events to http:\/\/127\.0\.0\.1:\d+\/callback in [\d.]+ s \(\d+ events\/s\)$/m);
    expect(result.stdout).toContain("valid: 50 of 50 delivered, 0 failed, 0 retried");
    expect(result.stdout).toMatch(/^status codes: 200 x50$/m);
    expect(result.stdout).toMatch(/^latency: p50 [\d.]+ ms, p95 [\d.]+ ms, p99 [\d.]+ ms$/m);
    expect(receiver.tasks.size).toBe(25);
    const recorded = openJournal(journal);
    expect(recorded.countByStatus()).toMatchObject({ delivered: 50, pending: 0 });
    recorded.close();
  });

  it("prints only the JSON summary on stdout with --json, and one line per event with --verbose", async () => {
    const { url } = await referenceReceiver();
    const json = await cli(["emit", "--target", url, "--key", key, "--count", "3", "--seed", "7", "--json", "--verbose", "--journal", freshJournal()]);
    expect(json.code).toBe(0);
    const summary = JSON.parse(json.stdout);
    expect(summary).toMatchObject({ target: url, sent: 6, delivered: 6, failed: 0, retried: 0, statusCodes: { "200": 6 }, forged: { accepted: 0 } });
    expect(summary.latencyMs).toEqual({ p50: expect.any(Number), p95: expect.any(Number), p99: expect.any(Number) });
    expect(json.stderr.trim().split("\n")).toHaveLength(6);

    const verbose = await cli(["emit", "--target", url, "--key", key, "--count", "2", "--verbose", "--journal", freshJournal()]);
    const lines = verbose.stdout.split("\n").filter((line) => line.startsWith("delivered"));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^delivered\s+200 WhiteboardPushStarted\s+[a-z0-9]{20} evt_\w+ [\d.]+ ms$/);
  });

  it("exits 1 when a valid event is never accepted, after its retries", async () => {
    const failing = await tracked(recordingServer(() => new Response("down", { status: 503 })));
    const result = await cli(["emit", "--target", failing.url, "--count", "1", "--retries", "2", "--backoff", "1", "--journal", freshJournal()]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("valid: 0 of 2 delivered, 2 failed, 2 retried");
    expect(result.stdout).toContain("status codes: 503 x6");
    expect(failing.bodies).toHaveLength(6);
  });

  it("counts forgeries a naive receiver wrongly accepts, and exits 1 for them", async () => {
    const naive = await tracked(recordingServer());
    const result = await cli(["emit", "--target", naive.url, "--key", key, "--count", "20", "--chaos", "bad-sign=0.5", "--json", "--journal", freshJournal()]);
    const summary = JSON.parse(result.stdout);
    expect(result.code).toBe(1);
    expect(summary.forged.sent).toBeGreaterThan(0);
    expect(summary.forged).toEqual({ sent: summary.forged.sent, rejected: 0, accepted: summary.forged.sent, unanswered: 0 });
    expect(summary.delivered).toBe(40);
  });

  it("re-signs bodies from a file with a fresh ExpireTime, or keeps their signature with --keep-sign", async () => {
    const { url, accepted } = await referenceReceiver();
    // Signed long ago: their own ExpireTime passed years ago.
    const old = generate({ count: 2, seed: 8, now: 1_500_000_000, callbackKey: key });
    const file = join(dir, "old.jsonl");
    writeFileSync(file, old.map((event) => JSON.stringify(event)).join("\n") + "\n");

    const resigned = await cli(["emit", "--target", url, "--key", key, "--from", file, "--journal", freshJournal()]);
    expect(resigned.code).toBe(0);
    // Tasks go in parallel, so only the order within a task is fixed.
    expect(accepted.map(keyOf).sort()).toEqual(old.map(keyOf).sort());
    for (const taskId of new Set(old.map((event) => event.EventData.TaskId))) {
      expect(accepted.filter((event) => event.EventData.TaskId === taskId).map((event) => event.EventType)).toEqual(["WhiteboardPushStarted", "WhiteboardPushStopped"]);
    }
    for (const event of accepted) expect(event.ExpireTime).toBeGreaterThan(Date.now() / 1000);
    const timestampOf = new Map(old.map((event) => [keyOf(event), event.Timestamp]));
    for (const event of accepted) expect(event.Timestamp).toBe(timestampOf.get(keyOf(event)));

    const kept = await cli(["emit", "--target", url, "--key", key, "--from", file, "--keep-sign", "--retries", "0", "--json", "--journal", freshJournal()]);
    expect(kept.code).toBe(1);
    expect(JSON.parse(kept.stdout)).toMatchObject({ delivered: 0, failed: 4, statusCodes: { "401": 4 } });

    const piped = await cli(["emit", "--target", url, "--from", "-", "--json", "--journal", freshJournal()], { stdin: JSON.stringify(old[0]), env: { TIW_CALLBACK_KEY: key } });
    expect(piped.code).toBe(0);
    expect(JSON.parse(piped.stdout)).toMatchObject({ delivered: 1 });
  });

  it("refuses a body from a file that is not a callback, naming where it is", async () => {
    const file = join(dir, "bad.jsonl");
    writeFileSync(file, `${JSON.stringify(generate({ count: 1 })[0])}\n{"EventType":"WhiteboardPushStarted"}\n`);
    const result = await cli(["emit", "--target", "http://127.0.0.1:9/callback", "--from", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:2 is not a callback body (/EventData is required but missing)`);
  });

  it.each([
    [["emit"], "--target is required"],
    [["emit", "--target", "localhost:3000"], "--target must be an http(s) URL, got 'localhost:3000'"],
    [["emit", "--target", "http://127.0.0.1:9/", "--chaos", "duplicate=2"], "--chaos: chaos rate of duplicate must be a probability in [0, 1]"],
    [["emit", "--target", "http://127.0.0.1:9/", "--chaos", "bad-sign=0.1"], "--chaos bad-sign and expired need --key"],
    [["emit", "--target", "http://127.0.0.1:9/", "--keep-sign"], "--keep-sign applies to bodies given with --from"],
    [["emit", "--target", "http://127.0.0.1:9/", "--rate", "0"], "--rate must be a number of events per second > 0"],
    [["emit", "--target", "http://127.0.0.1:9/", "--concurrency", "0"], "--concurrency must be a whole number in [1, 10000]"],
    [["emit", "--resume", "--count", "3"], "--resume sends what the journal holds; it cannot be combined with --count"],
    [["emit", "--resume", "--journal", join(dir, "none.db")], "no journal at"],
  ])("exits 2 with a one-line reason: %j", async (argv, message) => {
    const result = await cli(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("draws a fresh seed per run without --seed, prints it, and the printed --seed and --now replay the run exactly", async () => {
    const server = await tracked(recordingServer());
    const url = `${server.url}/callback`;
    const unsigned = (bodies: string[]) => bodies.map((body) => JSON.stringify({ ...JSON.parse(body), ExpireTime: undefined, Sign: undefined }));
    const first = await cli(["emit", "--target", url, "--key", key, "--count", "4", "--concurrency", "1", "--journal", freshJournal()]);
    const firstBodies = server.bodies.splice(0);
    const second = await cli(["emit", "--target", url, "--key", key, "--count", "4", "--concurrency", "1", "--journal", freshJournal(), "--json"]);
    const secondBodies = server.bodies.splice(0);
    expect([first.code, second.code]).toEqual([0, 0]);
    const taskIds = (bodies: string[]) => new Set(bodies.map((body) => (JSON.parse(body) as WhiteboardPushEvent).EventData.TaskId));
    expect([...taskIds(firstBodies)].filter((id) => taskIds(secondBodies).has(id))).toEqual([]);

    const replay = /^seed (\S+) \(replay this run with --seed (\S+) --now (\d+)\)$/m.exec(first.stderr);
    expect(replay?.[1]).toBe(replay?.[2]);
    const summary = JSON.parse(second.stdout) as { seed: string; now: number };
    expect(second.stderr).toContain(`--seed ${summary.seed} --now ${summary.now}`);
    const again = await cli(["emit", "--target", url, "--key", key, "--count", "4", "--concurrency", "1", "--journal", freshJournal(), "--seed", replay![2]!, "--now", replay![3]!]);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain("seed");
    expect(unsigned(server.bodies)).toEqual(unsigned(firstBodies));
  });

  it("stops with a one-line error on an unreachable target, before recording anything", async () => {
    const journal = freshJournal();
    const url = await refusedUrl();
    const result = await cli(["emit", "--target", url, "--seed", "1", "--journal", journal]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^tiw-push-kit: cannot reach http:\/\/127\.0\.0\.1:\d+: connection refused \(ECONNREFUSED\)$/);
    expect(existsSync(journal)).toBe(false);
  });

  it("leaves the rest pending on Ctrl-C, and --resume delivers exactly those", async () => {
    const { url, accepted } = await referenceReceiver();
    const journal = freshJournal();
    const run = liveCli(["emit", "--target", url, "--key", key, "--count", "30", "--rate", "100", "--journal", journal]);
    await waitFor(() => accepted.length >= 10, 10_000, "10 deliveries");
    run.interrupt();
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toContain("stopping");
    expect(run.stdout()).toMatch(/pending: \d+, send them with: tiw-push-kit emit --resume --key KEY --journal /);
    const before = accepted.length;
    expect(before).toBeLessThan(60);

    const resumed = await cli(["emit", "--resume", "--journal", journal, "--key", key, "--json"]);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ sent: 60 - before, delivered: 60 - before, pending: 0 });
    // A graceful stop journals every answer it got: nothing is sent twice.
    expect(new Set(accepted.map(keyOf)).size).toBe(60);
    expect(accepted).toHaveLength(60);
    expect(await cli(["emit", "--resume", "--journal", journal, "--key", key])).toMatchObject({ code: 0, stderr: expect.stringContaining("nothing pending") });
  });

  it("asks for the key when resuming signed events", async () => {
    const failing = await tracked(recordingServer(() => new Response(null, { status: 500 })));
    const journal = openJournal(freshJournal());
    journal.addEvents([{ id: "evt_x", taskId: "t", eventType: "WhiteboardPushStarted", body: "{}", target: failing.url, signed: true, createdAt: 0 }]);
    journal.close();
    const result = await cli(["emit", "--resume", "--journal", journal.path]);
    expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining("these events are sent signed: pass --key") });
  });
});

describe("log and resend", () => {
  it("lists deliveries with filters, and re-delivers failed ones once the receiver is fixed", async () => {
    let healthy = false;
    const server = await tracked(recordingServer(() => (healthy ? Response.json({ error_code: 0 }) : new Response("maintenance", { status: 503 }))));
    const journal = freshJournal();
    const emitted = await cli(["emit", "--target", `${server.url}/callback`, "--key", key, "--count", "2", "--retries", "0", "--journal", journal]);
    expect(emitted.code).toBe(1);

    const failed = await cli(["log", "--failed", "--journal", journal]);
    expect(failed.code).toBe(0);
    const lines = failed.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^\s+1 {2}\S+Z {2}failed\s+503 {2}x1\s+WhiteboardPushStarted\s+[a-z0-9]{20} {2}evt_\w+$/);

    const asJson = JSON.parse((await cli(["log", "--json", "--journal", journal])).stdout) as Array<{ id: string; taskId: string; status: string; history: unknown[] }>;
    expect(asJson).toHaveLength(4);
    expect(asJson[0]?.history).toEqual([expect.objectContaining({ attempt: 1, statusCode: 503, responseSnippet: "maintenance" })]);
    const taskId = asJson[0]?.taskId ?? "";
    const byTask = await cli(["log", "--task", taskId, "--attempts", "--journal", journal]);
    expect(byTask.stdout.split("\n").filter((line) => line.includes(taskId))).toHaveLength(2);
    expect(byTask.stdout).toMatch(/#1 \S+Z 503 [\d.]+ ms {2}maintenance/);

    healthy = true;
    const one = await cli(["resend", asJson[0]?.id ?? "", "--key", key, "--journal", journal, "--json"]);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ sent: 1, delivered: 1 });
    const rest = await cli(["resend", "--failed", "--journal", journal], { env: { TIW_CALLBACK_KEY: key } });
    expect(rest.code).toBe(0);
    expect(rest.stdout).toContain("valid: 3 of 3 delivered");
    expect((await cli(["log", "--failed", "--journal", journal])).stderr).toContain("no matching events");
    const after = JSON.parse((await cli(["log", "--json", "--journal", journal])).stdout) as Array<{ status: string; attempts: number }>;
    expect(after.map((event) => [event.status, event.attempts])).toEqual(Array(4).fill(["delivered", 2]));
    // The re-sent bodies were signed again at sending time.
    const resent = server.bodies.slice(4).map((body) => JSON.parse(body) as WhiteboardPushEvent);
    for (const event of resent) expect(event.ExpireTime).toBeGreaterThan(Date.now() / 1000);
  });

  it("exits 2 on unknown ids, missing arguments and a missing journal", async () => {
    const journal = freshJournal();
    openJournal(journal).close();
    expect(await cli(["resend", "evt_nope", "--journal", journal])).toMatchObject({ code: 2, stderr: expect.stringContaining("no event evt_nope in the journal") });
    expect(await cli(["resend", "--journal", journal])).toMatchObject({ code: 2, stderr: expect.stringContaining("give the ids of the events to resend") });
    expect(await cli(["resend", "evt_a", "--failed", "--journal", journal])).toMatchObject({ code: 2 });
    expect(await cli(["log", "--journal", join(dir, "missing.db")])).toMatchObject({ code: 2, stderr: expect.stringContaining("no journal at") });
    expect(await cli(["log", "--status", "lost", "--journal", journal])).toMatchObject({ code: 2, stderr: expect.stringContaining("--status must be one of") });
  });
});
