import { existsSync, statSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { openJournal, planDeliveries, recordPlan } from "../../src/delivery/index.js";
import { generate } from "../../src/generate/generate.js";
import { createRandom } from "../../src/generate/random.js";
import type { WhiteboardPushEvent } from "../../src/tiw/events.js";
import { cli } from "../helpers/cli.js";
import { childCli, type ChildCli } from "../helpers/child-cli.js";
import { journalPaths, receipts, stoppedAfterEach } from "../helpers/journal-runs.js";
import { recordingServer, waitFor } from "../helpers/servers.js";
import { planFormat } from "../../src/cli/shared/run-recipe.js";

const key = "kill-test-key";
const freshJournal = journalPaths("kill");
const stopped = stoppedAfterEach();
const spawnEmit = (args: string[]) => stopped(childCli(args, { env: { TIW_CALLBACK_KEY: key } }));

async function killHard(child: ChildCli): Promise<void> {
  child.process.kill("SIGKILL");
  expect((await child.exited).signal).toBe("SIGKILL");
}

/** What the journal holds as acknowledged, read as `log` reads it. */
function acknowledged(journalPath: string): Set<string> {
  const journal = openJournal(journalPath, { readOnly: true });
  try {
    return new Set(journal.listEvents({ status: "delivered" }).map((event) => `${event.taskId}:${event.eventType}`));
  } finally {
    journal.close();
  }
}

/** What another connection (as `log`) sees of a journal being written: runs and events committed, and the bytes of its WAL. */
function seen(journalPath: string): { runs: number; events: number; walBytes: number } {
  let raw: DatabaseSync | undefined;
  try {
    raw = new DatabaseSync(journalPath, { readOnly: true });
    const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((row) => String(row.name));
    const count = (table: string) => (tables.includes(table) ? Number(raw?.prepare(`SELECT COUNT(*) AS count FROM ${table}`).get()?.count) : 0);
    return { runs: count("runs"), events: count("events"), walBytes: existsSync(`${journalPath}-wal`) ? statSync(`${journalPath}-wal`).size : 0 };
  } catch {
    return { runs: 0, events: 0, walBytes: 0 }; // not created yet
  } finally {
    raw?.close();
  }
}

describe("the journal across a killed emit", () => {
  it("resumes after SIGKILL: every event delivered, nothing acknowledged in the journal sent again", async () => {
    const journalPath = freshJournal();
    const concurrency = 4;
    // Slow enough answers that the kill lands mid-run.
    const receiver = stopped(
      await recordingServer(async () => {
        await new Promise((resolve) => setTimeout(resolve, 3));
        return Response.json({ error_code: 0 });
      }),
    );
    const child = spawnEmit(["emit", "--target", `${receiver.url}/callback`, "--count", "150", "--seed", "9", "--concurrency", String(concurrency), "--journal", journalPath]);
    await waitFor(() => receiver.bodies.length >= 60, 20_000, "the emitter to deliver 60 events");
    await killHard(child);

    const acked = acknowledged(journalPath);
    const journal = openJournal(journalPath, { readOnly: true });
    const pendingBefore = journal.countByStatus().pending;
    journal.close();
    expect(acked.size).toBeGreaterThan(0);
    expect(pendingBefore).toBeGreaterThan(0);
    // The plan is recorded in batches as it is sent: the rest is planned again by --resume.
    expect(acked.size + pendingBefore).toBeLessThanOrEqual(300);

    const resumed = await cli(["emit", "--resume", "--journal", journalPath, "--json"], { env: { TIW_CALLBACK_KEY: key } });
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ sent: 300 - acked.size, delivered: 300 - acked.size, failed: 0, pending: 0 });

    const received = receipts(receiver.bodies);
    // No loss: all 150 tasks' two events arrived.
    expect(received.size).toBe(300);
    // No double ack: what the journal held as acknowledged was not sent again.
    for (const event of acked) expect(received.get(event), event).toBe(1);
    // At-least-once: only answers not journaled at the kill can arrive twice: those still in flight
    // and those read in the event-loop turn not yet committed; each set is at most the concurrency.
    const twice = [...received.values()].filter((count) => count > 1).length;
    expect(twice).toBeLessThanOrEqual(2 * concurrency);

    const after = openJournal(journalPath, { readOnly: true });
    expect(after.countByStatus()).toMatchObject({ pending: 0, delivered: 300, failed: 0 });
    after.close();
  });

  it("plans again and sends a run stopped after it began, before any of its plan was recorded", async () => {
    const journalPath = freshJournal();
    const receiver = stopped(await recordingServer());
    const journal = openJournal(journalPath);
    // What a kill between the run's record and its first batch leaves: the run and its recipe, no event.
    const recipe = { planFormat, scenario: "mixed", count: 500, seed: "12", now: 1_800_000_000, sdkAppId: 1400000001, chaos: {}, target: `${receiver.url}/callback`, hasKey: true };
    journal.beginRun({ id: "evt_0b1c2d3e", createdAt: Date.now(), recipe: JSON.stringify(recipe) });
    journal.close();

    const resumed = await cli(["emit", "--resume", "--journal", journalPath, "--json"], { env: { TIW_CALLBACK_KEY: key } });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain("run evt_0b1c2d3e was stopped before its plan was recorded in full: planned again from --seed 12 --now 1800000000 (1000 events, those recorded before kept as they are)");
    expect(JSON.parse(resumed.stdout)).toMatchObject({ sent: 1000, delivered: 1000, pending: 0, planComplete: true });
    const received = receipts(receiver.bodies);
    expect(received.size).toBe(1000);
    expect(Math.max(...received.values())).toBe(1);
    // The plan is the run's own: its seed, not a new history, and the one emit makes from the same recipe.
    const direct = await cli(["emit", "--target", `${receiver.url}/callback`, "--count", "500", "--seed", "12", "--now", "1800000000", "--journal", freshJournal()], { env: { TIW_CALLBACK_KEY: key } });
    expect(direct.code).toBe(0);
    expect(receipts(receiver.bodies.slice(1000)).size).toBe(1000);
    expect([...receipts(receiver.bodies).values()].every((count) => count === 2)).toBe(true);
  });

  it("sends every planned event, once (but what was in flight), after a kill in the middle of its plan", async () => {
    const tasks = 10_000;
    // Batches recorded and sent, the rest of the plan not made yet.
    const killNow = (state: ReturnType<typeof seen>, sent: number) => state.events > 0 && sent >= 3000;
    const journalPath = freshJournal();
    const receiver = stopped(await recordingServer());
    const concurrency = 16;
    const child = spawnEmit(["emit", "--target", `${receiver.url}/callback`, "--count", String(tasks), "--seed", "12", "--now", "1800000000", "--concurrency", String(concurrency), "--journal", journalPath]);
    await waitFor(() => killNow(seen(journalPath), receiver.bodies.length), 30_000, "the moment to kill");
    await killHard(child);
    const before = seen(journalPath);
    expect(before.events).toBeLessThan(2 * tasks);
    const sentBefore = receiver.bodies.length;

    const resumed = await cli(["emit", "--resume", "--journal", journalPath, "--concurrency", String(concurrency), "--json"], { env: { TIW_CALLBACK_KEY: key } });
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ failed: 0, pending: 0, planComplete: true });
    expect(resumed.stderr).toMatch(
      new RegExp(`^run evt_\\w+ was stopped before its plan was recorded in full: planned again from --seed 12 --now 1800000000 \\(${2 * tasks} events, those recorded before kept as they are\\)$`, "m"),
    );
    const received = receipts(receiver.bodies);
    expect(received.size).toBe(2 * tasks);
    // Sent twice: at most what was in flight, or answered but not yet journaled, at the kill.
    expect([...received.values()].filter((count) => count > 1).length).toBeLessThanOrEqual(sentBefore === 0 ? 0 : 2 * concurrency);
    // The plan is the run's own: its seed and end, not a new history.
    expect(new Set(receiver.bodies.map((body) => (JSON.parse(body) as WhiteboardPushEvent).Timestamp <= 1_800_000_000))).toEqual(new Set([true]));
    const after = openJournal(journalPath, { readOnly: true });
    expect(after.countByStatus()).toMatchObject({ pending: 0, delivered: 2 * tasks, failed: 0 });
    after.close();
    expect(await cli(["emit", "--resume", "--journal", journalPath], { env: { TIW_CALLBACK_KEY: key } })).toMatchObject({ code: 0, stderr: expect.stringContaining("nothing pending") });
  }, 120_000);

  it("reports a run of bodies from a file stopped before its plan was recorded (they were not kept), once, and sends the rest", async () => {
    const journalPath = freshJournal();
    const receiver = stopped(await recordingServer());
    const journal = openJournal(journalPath);
    journal.beginRun({ id: "evt_0a1b2c3d", createdAt: Date.now(), recipe: JSON.stringify({ from: "captured.jsonl" }) });
    recordPlan(journal, planDeliveries(generate({ count: 2, seed: 3 }), { random: createRandom(3) }), { target: `${receiver.url}/callback`, hasKey: true });
    journal.close();

    const resumed = await cli(["emit", "--resume", "--journal", journalPath], { env: { TIW_CALLBACK_KEY: key } });
    expect(resumed.stderr).toContain(
      "tiw-push-kit: run evt_0a1b2c3d was stopped before its plan was recorded, so none of it was sent; its events were not kept: send them again with emit --from captured.jsonl",
    );
    expect(resumed.code).toBe(1);
    expect(receiver.bodies).toHaveLength(4);
    expect(await cli(["emit", "--resume", "--journal", journalPath], { env: { TIW_CALLBACK_KEY: key } })).toMatchObject({ code: 0, stderr: expect.stringContaining("nothing pending") });
  });

  it("after kill -9s at random moments, sends every event, and again only what was in flight at each kill", async () => {
    const journalPath = freshJournal();
    const concurrency = 4;
    const tasks = 150;
    const kills = 3;
    const seed = Math.floor(Math.random() * 2 ** 31);
    const random = (() => {
      let state = seed;
      return (below: number) => {
        state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
        return state % below;
      };
    })();
    const receiver = stopped(
      await recordingServer(async () => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return Response.json({ error_code: 0 });
      }),
    );
    const target = `${receiver.url}/callback`;
    // Events acknowledged in the journal at each kill, and how many bodies had arrived by then.
    const checkpoints: Array<{ acked: Set<string>; received: number }> = [];
    for (let kill = 0; kill < kills; kill++) {
      const args = kill === 0 ? ["emit", "--target", target, "--count", String(tasks)] : ["emit", "--resume"];
      const child = spawnEmit([...args, "--concurrency", String(concurrency), "--journal", journalPath]);
      const threshold = receiver.bodies.length + 1 + random(Math.floor((2 * tasks) / (kills + 1)));
      await waitFor(() => receiver.bodies.length >= threshold || child.done(), 30_000, `delivery ${threshold} (seed ${seed})`);
      await killHard(child);
      checkpoints.push({ acked: acknowledged(journalPath), received: receiver.bodies.length });
    }
    const resumed = await cli(["emit", "--resume", "--concurrency", String(concurrency), "--journal", journalPath], { env: { TIW_CALLBACK_KEY: key } });
    expect(resumed.code, `seed ${seed}: ${resumed.stderr}`).toBe(0);

    const received = receipts(receiver.bodies);
    expect(received.size, `seed ${seed}`).toBe(2 * tasks);
    for (const { acked, received: before } of checkpoints) {
      // What the journal held as acknowledged at a kill never reached the receiver again.
      const later = receipts(receiver.bodies.slice(before));
      for (const event of acked) expect(later.get(event), `seed ${seed}: ${event}`).toBeUndefined();
    }
    const extra = [...received.values()].reduce((sum, count) => sum + count - 1, 0);
    expect(extra, `seed ${seed}`).toBeLessThanOrEqual(kills * 2 * concurrency);
    const journal = openJournal(journalPath, { readOnly: true });
    expect(journal.countByStatus()).toMatchObject({ pending: 0, delivered: 2 * tasks, failed: 0 });
    journal.close();
  }, 120_000);
});
