import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DatabaseSync } from "node:sqlite";
import { openJournal, type Journal, type NewJournalEvent } from "../../src/delivery/index.js";

const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-journal-"));
let files = 0;
const freshPath = () => join(dir, `journal-${++files}.db`);
const outcomesLeft = (path: string) => {
  const raw = new DatabaseSync(path, { readOnly: true });
  const count = raw.prepare("SELECT COUNT(*) AS count FROM outcomes").get()?.count;
  raw.close();
  return count;
};

const event = (id: string, taskId = "task1", eventType = "WhiteboardPushStarted"): NewJournalEvent => ({
  id,
  taskId,
  eventType,
  body: JSON.stringify({ EventType: eventType, EventData: { TaskId: taskId } }),
  target: "http://127.0.0.1:1/callback",
  signed: true,
  createdAt: 1_700_000_000_000,
});

describe("openJournal", () => {
  it("records events and attempts, and lists them by status, task, cursor and newest N", async () => {
    const journal = openJournal(":memory:");
    journal.addEvents([event("a", "t1"), event("b", "t1", "WhiteboardPushStopped"), event("c", "t2"), { ...event("d", "t3"), fault: "bad-sign", source: "chaos:bad-sign" }]);
    journal.addAttempt({ eventId: "a", attempt: 1, at: 1, statusCode: 500, latencyMs: 2.5, responseSnippet: "oops" });
    journal.setOutcome("a", { status: "delivered", attempts: 2, at: 3, last: { eventId: "a", attempt: 2, at: 2, statusCode: 200, latencyMs: 1.5 } });
    journal.setOutcome("c", { status: "failed", attempts: 1, at: 5, last: { eventId: "c", attempt: 1, at: 4, latencyMs: 5000, error: "timeout after 5000 ms" } });
    journal.setOutcome("d", { status: "forged-rejected", attempts: 1, at: 6, last: { eventId: "d", attempt: 1, at: 6, statusCode: 401, latencyMs: 1 } });
    await journal.flush();

    expect(journal.getEvent("a")).toMatchObject({ seq: 1, status: "delivered", attempts: 2, lastStatusCode: 200, updatedAt: 3, signed: true, keepSign: false });
    expect(journal.getEvent("c")).toMatchObject({ status: "failed", lastError: "timeout after 5000 ms" });
    expect(journal.getEvent("c")).not.toHaveProperty("lastStatusCode");
    expect(journal.getEvent("d")).toMatchObject({ fault: "bad-sign", source: "chaos:bad-sign", status: "forged-rejected" });
    expect(journal.listAttempts("a")).toEqual([
      { eventId: "a", attempt: 1, at: 1, statusCode: 500, latencyMs: 2.5, responseSnippet: "oops" },
      { eventId: "a", attempt: 2, at: 2, statusCode: 200, latencyMs: 1.5 },
    ]);
    const ids = (list: { id: string }[]) => list.map((entry) => entry.id);
    expect(ids(journal.listEvents({ status: "failed" }))).toEqual(["c"]);
    expect(ids(journal.listEvents({ status: ["pending", "delivered"] }))).toEqual(["a", "b"]);
    expect(ids(journal.listEvents({ taskId: "t1" }))).toEqual(["a", "b"]);
    expect(ids(journal.listEvents({ afterSeq: 2 }))).toEqual(["c", "d"]);
    expect(ids(journal.listEvents({ limit: 2 }))).toEqual(["c", "d"]);
    expect(journal.countByStatus()).toEqual({ pending: 1, delivered: 1, failed: 1, "forged-rejected": 1, "forged-accepted": 0 });
    expect(journal.getEvent("missing")).toBeUndefined();
    journal.close();
  });

  it("commits queued writes together, visible to other readers only once flushed, and durable after reopening", async () => {
    const path = freshPath();
    const writer = openJournal(path);
    const reader = openJournal(path);
    writer.addEvent(event("queued"));
    expect(writer.hasEvent("queued")).toBe(true);
    expect(reader.hasEvent("queued")).toBe(false);
    await writer.flush();
    expect(reader.hasEvent("queued")).toBe(true);

    writer.addEvents([event("bulk-1"), event("bulk-2")]);
    expect(reader.listEvents().map((entry) => entry.id)).toEqual(["queued", "bulk-1", "bulk-2"]);
    writer.setOutcome("bulk-1", { status: "delivered", attempts: 1, at: 9, last: { eventId: "bulk-1", attempt: 1, at: 9, statusCode: 200, latencyMs: 1 } });
    writer.close();
    reader.close();

    const reopened = openJournal(path);
    expect(reopened.getEvent("bulk-1")).toMatchObject({ status: "delivered" });
    expect(reopened.listEvents({ status: "pending" }).map((entry) => entry.id)).toEqual(["queued", "bulk-2"]);
    reopened.close();
  });

  it("keeps every attempt of every delivery, in order, when an event is delivered again", async () => {
    const journal = openJournal(":memory:");
    journal.addEvents([event("e")]);
    const attempt = (number: number, at: number, statusCode: number) => ({ eventId: "e", attempt: number, at, statusCode, latencyMs: 1 });
    journal.addAttempt(attempt(1, 10, 500));
    journal.setOutcome("e", { status: "failed", attempts: 2, at: 21, last: attempt(2, 20, 503) });
    journal.setOutcome("e", { status: "pending", attempts: 0, at: 25 });
    journal.addAttempt(attempt(1, 30, 502));
    journal.setOutcome("e", { status: "delivered", attempts: 2, at: 41, last: attempt(2, 40, 200) });
    expect(journal.listAttempts("e").map(({ at, statusCode }) => [at, statusCode])).toEqual([
      [10, 500],
      [20, 503],
      [30, 502],
      [40, 200],
    ]);
    expect(journal.getEvent("e")).toMatchObject({ status: "delivered", attempts: 4, lastStatusCode: 200, updatedAt: 41 });
    journal.close();
  });

  it("reads outcomes a writer appended, in order, from another connection; a later writer folds them in once", async () => {
    const path = freshPath();
    const writer = openJournal(path);
    // More outcomes than one fold block holds, with the same event's deliveries far apart.
    const ids = Array.from({ length: 12_000 }, (_, i) => `n${i}`);
    writer.addEvents(ids.map((id) => event(id)));
    const answered = (id: string, at: number, statusCode: number) => ({ eventId: id, attempt: 1, at, statusCode, latencyMs: 1 });
    writer.setOutcome("n0", { status: "failed", attempts: 1, at: 1, last: answered("n0", 1, 500) });
    for (const id of ids.slice(1)) writer.setOutcome(id, { status: "delivered", attempts: 1, at: 2, last: answered(id, 2, 200) });
    writer.setOutcome("n0", { status: "delivered", attempts: 1, at: 3, last: answered("n0", 3, 200) });
    await writer.flush();

    const expectAllDelivered = (journal: Journal, pending = 0) => {
      expect(journal.countByStatus()).toMatchObject({ pending, delivered: 12_000, failed: 0 });
      expect(journal.getEvent("n0")).toMatchObject({ status: "delivered", attempts: 2, lastStatusCode: 200, updatedAt: 3 });
      expect(journal.listAttempts("n0").map(({ at, statusCode }) => [at, statusCode])).toEqual([
        [1, 500],
        [3, 200],
      ]);
      expect(journal.getEvent("n11999")).toMatchObject({ status: "delivered", attempts: 1 });
    };
    const reader = openJournal(path);
    expectAllDelivered(reader);
    writer.close();
    reader.close();
    const nextWriter = openJournal(path);
    nextWriter.addEvent(event("next-run"));
    await nextWriter.flush();
    expect(outcomesLeft(path)).toBe(0);
    expectAllDelivered(nextWriter, 1);
    nextWriter.close();
  });

  it("records a run's plan whole or not at all, and gives back a run begun whose plan was never recorded", () => {
    const path = freshPath();
    const journal = openJournal(path);
    journal.beginRun({ id: "evt_run1", createdAt: 5, recipe: '{"seed":"s"}' });
    function* planStoppedHalfway() {
      yield event("evt_run1_1");
      yield event("evt_run1_2");
      throw new Error("stopped while planning");
    }
    expect(() => journal.addRunPlan({ id: "evt_run1", createdAt: 5 }, planStoppedHalfway())).toThrow("stopped while planning");
    expect(journal.listEvents()).toEqual([]);
    expect(journal.unrecordedRuns()).toEqual([{ id: "evt_run1", createdAt: 5, recipe: '{"seed":"s"}' }]);

    journal.addRunPlan({ id: "evt_run1", createdAt: 5 }, [event("evt_run1_1"), event("evt_run1_2")]);
    journal.addRunPlan({ id: "evt_run2", createdAt: 6 }, [event("evt_run2_1")]);
    journal.beginRun({ id: "evt_run3", createdAt: 7 });
    expect(journal.listEvents().map((entry) => entry.id)).toEqual(["evt_run1_1", "evt_run1_2", "evt_run2_1"]);
    expect(journal.unrecordedRuns()).toEqual([{ id: "evt_run3", createdAt: 7 }]);
    journal.forgetRun("evt_run3");
    journal.forgetRun("evt_run1");
    expect(journal.unrecordedRuns()).toEqual([]);
    expect(journal.listEvents()).toHaveLength(3);
    journal.close();
  });

  it("keeps the first record of an id and creates the journal's directory", async () => {
    const path = join(dir, "nested", "deeper", "journal.db");
    const journal = openJournal(path);
    journal.addEvent(event("same", "first-task"));
    journal.addEvent(event("same", "second-task"));
    await journal.flush();
    expect(journal.listEvents()).toEqual([expect.objectContaining({ id: "same", taskId: "first-task" })]);
    journal.close();
    journal.close();
  });
});
