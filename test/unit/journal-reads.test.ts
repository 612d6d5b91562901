import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { openJournal, type NewJournalEvent } from "../../src/delivery/index.js";

const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-journal-reads-"));
let files = 0;
const freshPath = () => join(dir, `journal-${++files}.db`);

const event = (id: string): NewJournalEvent => ({ id, taskId: "task1", eventType: "WhiteboardPushStarted", body: "{}", target: "http://127.0.0.1:1/callback", signed: true, createdAt: 1 });
const answered = (eventId: string, at: number, statusCode: number) => ({ eventId, attempt: 1, at, statusCode, latencyMs: 1 });

/** A journal whose writer appended outcomes and is still running: nothing of it folded yet. */
async function journalMidRun(path: string) {
  const writer = openJournal(path);
  writer.addEvents([event("a"), event("b"), event("c")]);
  writer.setOutcome("a", { status: "failed", attempts: 1, at: 10, last: answered("a", 10, 500) });
  writer.setOutcome("a", { status: "delivered", attempts: 1, at: 20, last: answered("a", 20, 200) });
  writer.setOutcome("b", { status: "delivered", attempts: 1, at: 30, last: answered("b", 30, 200) });
  await writer.flush();
  return writer;
}

describe("journal reads", () => {
  it("list, count and look up while another process holds the write lock, without waiting for it", async () => {
    const path = freshPath();
    const writer = await journalMidRun(path);
    // Another process (an `emit` committing a batch) in the middle of a write transaction.
    const running = new DatabaseSync(path);
    running.exec("PRAGMA busy_timeout = 5000; BEGIN IMMEDIATE; UPDATE events SET source = 'in flight' WHERE id = 'c'");
    try {
      const started = performance.now();
      const reader = openJournal(path);
      expect(reader.listEvents().map(({ id, status, attempts }) => ({ id, status, attempts }))).toEqual([
        { id: "a", status: "delivered", attempts: 2 },
        { id: "b", status: "delivered", attempts: 1 },
        { id: "c", status: "pending", attempts: 0 },
      ]);
      expect(reader.countByStatus()).toMatchObject({ delivered: 2, pending: 1 });
      expect(reader.getEvent("a")).toMatchObject({ lastStatusCode: 200, updatedAt: 20 });
      expect(reader.listAttempts("a").map(({ at }) => at)).toEqual([10, 20]);
      expect(reader.hasEvent("c")).toBe(true);
      reader.close();
      // Waiting for the lock would take the busy timeout (5 s), then fail.
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      running.exec("ROLLBACK");
      running.close();
      writer.close();
    }
  });

  it("leave the file as it was: appended outcomes stay appended", async () => {
    const path = freshPath();
    const writer = await journalMidRun(path);
    const raw = new DatabaseSync(path, { readOnly: true });
    const outcomes = () => raw.prepare("SELECT COUNT(*) AS count FROM outcomes").get()?.count;
    const changes = () => raw.prepare("PRAGMA data_version").get()?.data_version;
    const before = { outcomes: outcomes(), changes: changes() };
    const reader = openJournal(path);
    reader.listEvents();
    reader.countByStatus();
    reader.getEvent("a");
    reader.listAttempts("a");
    reader.close();
    expect({ outcomes: outcomes(), changes: changes() }).toEqual(before);
    raw.close();
    writer.close();
  });
});
