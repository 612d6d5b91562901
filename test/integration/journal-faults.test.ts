import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { openJournal, planDeliveries, recordPlan } from "../../src/delivery/index.js";
import { recordedWhole } from "../../src/delivery/record-plan.js";
import type { DeliveryValues } from "../../src/cli/shared/delivery-options.js";
import { deliverySettings } from "../../src/cli/shared/delivery-settings.js";
import { runDeliveries } from "../../src/cli/shared/run-deliveries.js";
import { generate } from "../../src/generate/generate.js";
import { createRandom } from "../../src/generate/random.js";
import type { WhiteboardPushEvent } from "../../src/tiw/events.js";
import { cli, collector } from "../helpers/cli.js";
import { childCli } from "../helpers/child-cli.js";
import { eventKeyOf, journalPaths, stoppedAfterEach } from "../helpers/journal-runs.js";
import { recordingServer, type RecordingServer } from "../helpers/servers.js";

const key = "faults-test-key";
const env = { TIW_CALLBACK_KEY: key };
const freshJournal = journalPaths("faults");
const stopped = stoppedAfterEach();

/** A receiver answering after `delayMs`, closed after the test. */
async function receiver(delayMs = 1): Promise<RecordingServer & { target: string }> {
  const server = await recordingServer(async () => {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return Response.json({ error_code: 0 });
  });
  return { ...stopped(server), target: `${server.url}/callback` };
}

/** A journal holding a recorded plan of `tasks` generated tasks for `target`, all pending. */
function pendingJournal(path: string, target: string, tasks: number): string[] {
  const journal = openJournal(path);
  const planned = recordPlan(journal, planDeliveries(generate({ count: tasks, seed: 5 }), { random: createRandom(5) }), { target, hasKey: true });
  journal.close();
  return planned.map((delivery) => delivery.eventId ?? "");
}

/** Runs SQL on the file as another program would, outside the kit. */
function tamper(path: string, sql: string): void {
  const raw = new DatabaseSync(path);
  raw.exec(sql);
  raw.close();
}

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** Events that reached the receiver more than once, counted once per extra copy. */
const extraCopies = (bodies: readonly string[]) => bodies.length - new Set(bodies.map(eventKeyOf)).size;

function delivered(path: string): number {
  const journal = openJournal(path, { readOnly: true });
  try {
    return journal.countByStatus().delivered;
  } finally {
    journal.close();
  }
}

describe("a journal that cannot be written", () => {
  it("stops sending at once with the cause, exit 2, and --resume sends again at most what was in flight", async () => {
    const server = await receiver();
    const journalPath = freshJournal();
    const concurrency = 4;
    openJournal(journalPath).close();
    // The 41st outcome cannot be written, as on a disk that just filled up.
    tamper(journalPath, "CREATE TRIGGER full BEFORE INSERT ON outcomes WHEN (SELECT COUNT(*) FROM outcomes) >= 40 BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
    const emitted = await cli(["emit", "--target", server.target, "--count", "150", "--seed", "3", "--concurrency", String(concurrency), "--journal", journalPath], { env });

    const journaled = delivered(journalPath);
    expect(journaled).toBeLessThanOrEqual(40);
    // Nothing was sent after the failure but what was already in flight.
    expect(server.bodies.length).toBeLessThanOrEqual(journaled + 2 * concurrency);
    expect(emitted.code).toBe(2);
    expect(emitted.stderr).toMatch(new RegExp(`^tiw-push-kit: the journal ${journalPath} cannot be written: .*refused by the test`, "m"));
    expect(emitted.stderr).not.toContain("cannot rollback");

    tamper(journalPath, "DROP TRIGGER full");
    const resumed = await cli(["emit", "--resume", "--concurrency", String(concurrency), "--journal", journalPath], { env });
    expect(resumed.code).toBe(0);
    expect(new Set(server.bodies.map(eventKeyOf)).size).toBe(300);
    expect(extraCopies(server.bodies)).toBeLessThanOrEqual(2 * concurrency);
  });

  it("says the disk is full (SQLITE_FULL), after the summary, and sends nothing more", async () => {
    const server = await receiver();
    const journalPath = freshJournal();
    pendingJournal(journalPath, server.target, 100);
    const journal = openJournal(journalPath);
    const pages = Number(journal.database.prepare("PRAGMA page_count").get()?.page_count);
    // The file may not grow by a single page: the outcomes fill the last one, then the disk is "full".
    journal.database.prepare(`PRAGMA max_page_count = ${pages}`).get();
    const stdout = collector();
    const noFlags = {} as DeliveryValues;
    const sending = runDeliveries({
      io: { stdout, stderr: collector(), stdin: (async function* () {})(), env: {}, fetch: globalThis.fetch, interrupted: new Promise(() => {}) },
      values: noFlags,
      settings: { ...deliverySettings(noFlags), concurrency: 4 },
      target: server.target,
      key,
      journal,
      journalPath,
      plan: recordedWhole(journal.listEvents().map((event) => ({ event: JSON.parse(event.body) as WhiteboardPushEvent, eventId: event.id }))),
    });
    await expect(sending).rejects.toThrow(`tiw-push-kit: the journal ${journalPath} cannot be written: disk full (SQLITE_FULL): database or disk is full`);
    expect(() => journal.close()).toThrow("SQLITE_FULL");
    expect(stdout.text).toMatch(/^pending: \d+, send them with: tiw-push-kit emit --resume --key KEY --journal /m);
    expect(server.bodies.length).toBeLessThan(200);
    expect(server.bodies.length).toBeLessThanOrEqual(delivered(journalPath) + 2 * 4);
  });

  it("stops at a real file-size limit of the process (ulimit -f), and --resume completes the run", async () => {
    const server = await receiver();
    const journalPath = freshJournal();
    const concurrency = 4;
    pendingJournal(journalPath, server.target, 400);
    const size = statSync(journalPath).size;
    // The journal may grow by about 100 KiB: enough for some outcomes, not for 800 (dash counts 512-byte blocks).
    const limited = childCli(["emit", "--resume", "--concurrency", String(concurrency), "--journal", journalPath], { env, shell: `ulimit -f ${Math.ceil(size / 512) + 200};` });
    const { code } = await limited.exited;
    const journaled = delivered(journalPath);
    expect(journaled).toBeLessThan(800);
    expect(server.bodies.length).toBeLessThanOrEqual(journaled + 2 * concurrency);
    expect(limited.stderr()).toMatch(new RegExp(`^tiw-push-kit: the journal ${journalPath} cannot be written: `, "m"));
    expect(code).toBe(2);

    const resumed = await cli(["emit", "--resume", "--concurrency", String(concurrency), "--journal", journalPath], { env });
    expect(resumed.code).toBe(0);
    expect(new Set(server.bodies.map(eventKeyOf)).size).toBe(800);
    expect(extraCopies(server.bodies)).toBeLessThanOrEqual(2 * concurrency);
  }, 60_000);

  it("refuses to send a plan it could not record, sending nothing", async () => {
    const server = await receiver();
    const journalPath = freshJournal();
    openJournal(journalPath).close();
    tamper(journalPath, "CREATE TRIGGER full BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
    const emitted = await cli(["emit", "--target", server.target, "--count", "5", "--journal", journalPath], { env });
    expect(emitted.code).toBe(2);
    expect(emitted.stderr).toMatch(new RegExp(`^tiw-push-kit: the journal ${journalPath} cannot be written: .*refused by the test`, "m"));
    expect(server.bodies).toHaveLength(0);
  });
});

describe("corrupted data", () => {
  it("reports a row whose body is not JSON by its id, sends every other one, and exits 1", async () => {
    const server = await receiver();
    const journalPath = freshJournal();
    const ids = pendingJournal(journalPath, server.target, 5);
    const broken = ids[3] ?? "";
    tamper(journalPath, `UPDATE events SET body = '{"EventType": "WhiteboardPushSt' WHERE id = '${broken}'`);

    const resumed = await cli(["emit", "--resume", "--journal", journalPath, "--json"], { env });
    expect(server.bodies).toHaveLength(9);
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toMatch(new RegExp(`^tiw-push-kit: event ${broken} in the journal cannot be sent: its body is not JSON \\(.+\\); skipped$`, "m"));
    expect(JSON.parse(resumed.stdout)).toMatchObject({ sent: 9, delivered: 9 });
    const journal = openJournal(journalPath, { readOnly: true });
    expect(journal.listEvents({ status: "pending" }).map((event) => event.id)).toEqual([broken]);
    journal.close();
  });

  it("reports a row whose body is JSON but no callback, and sends the others", async () => {
    const server = await receiver();
    const journalPath = freshJournal();
    const ids = pendingJournal(journalPath, server.target, 2);
    tamper(journalPath, `UPDATE events SET body = '[1, 2]' WHERE id = '${ids[0]}'`);
    const resumed = await cli(["emit", "--resume", "--journal", journalPath], { env });
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toContain(`tiw-push-kit: event ${ids[0]} in the journal cannot be sent: its body is not a callback body`);
    expect(server.bodies).toHaveLength(3);
  });

  it("refuses a journal with a corrupted page before writing anything, exit 2", async () => {
    const server = await receiver();
    const journalPath = freshJournal();
    pendingJournal(journalPath, server.target, 300);
    // A page no resume reads (the stand-in's task history): only a check of the whole file finds it.
    const raw = new DatabaseSync(journalPath, { readOnly: true });
    const { pageno, pgsize } = raw.prepare("SELECT pageno, pgsize FROM dbstat WHERE name = 'kit_tasks'").get() as { pageno: number; pgsize: number };
    raw.close();
    const file = openSync(journalPath, "r+");
    writeSync(file, Buffer.alloc(64, 0xab), 0, 64, (pageno - 1) * pgsize);
    closeSync(file);
    const before = sha256(journalPath);

    for (const argv of [
      ["emit", "--resume", "--journal", journalPath],
      ["emit", "--target", server.target, "--count", "2", "--seed", "1", "--journal", journalPath],
      ["resend", "--failed", "--journal", journalPath],
    ]) {
      const result = await cli(argv, { env });
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.stderr.trim()).toMatch(new RegExp(`^tiw-push-kit: the journal ${journalPath} is corrupted \\(SQLITE_CORRUPT.*\\)`));
    }
    expect(sha256(journalPath)).toBe(before);
    expect(existsSync(`${journalPath}-wal`) ? statSync(`${journalPath}-wal`).size : 0).toBe(0);
    expect(server.bodies).toHaveLength(0);
  });

  it("refuses a file that is no SQLite database, leaving it as it is", async () => {
    const journalPath = freshJournal();
    writeFileSync(journalPath, "these are notes, not a journal\n".repeat(200));
    const before = sha256(journalPath);
    for (const argv of [
      ["emit", "--resume", "--journal", journalPath],
      ["log", "--journal", journalPath],
    ]) {
      const result = await cli(argv, { env });
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.stderr.trim()).toBe(`tiw-push-kit: ${journalPath} is not a tiw-push-kit journal (SQLITE_NOTADB: file is not a database)`);
    }
    expect(sha256(journalPath)).toBe(before);
  });
});
