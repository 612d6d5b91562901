import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openJournal, type Journal } from "../../src/delivery/index.js";
import { openTaskHistory, type StoredTask } from "../../src/store/index.js";

const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-journal-migrations-"));
let files = 0;
const freshPath = () => join(dir, `journal-${++files}.db`);
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/journals/${name}`, import.meta.url));
const currentLayout = 3;

function pragma(path: string, name: "user_version" | "data_version"): number {
  const raw = new DatabaseSync(path, { readOnly: true });
  const value = Number(raw.prepare(`PRAGMA ${name}`).get()?.[name]);
  raw.close();
  return value;
}

function readAll(journal: Journal) {
  return {
    events: journal.listEvents(),
    attempts: Object.fromEntries(["a", "b", "c", "d", "e"].map((id) => [id, journal.listAttempts(id)])),
    counts: journal.countByStatus(),
  };
}

describe("journal layouts", () => {
  it("opens a journal written before layouts were versioned, reads it as that version did, and goes on writing to it", async () => {
    const path = freshPath();
    copyFileSync(fixture("unversioned.db"), path);
    const readBefore: unknown = JSON.parse(readFileSync(fixture("unversioned.read.json"), "utf8"));
    expect(pragma(path, "user_version")).toBe(0);

    const journal = openJournal(path);
    expect(pragma(path, "user_version")).toBe(currentLayout);
    expect(readAll(journal)).toEqual(readBefore);
    const history = openTaskHistory<StoredTask & { status: string }>(journal.database);
    expect(history?.restore()).toEqual([
      { taskId: "t2", createdAt: 1_700_000_000_500, status: "pushing" },
      { taskId: "t1", createdAt: 1_700_000_000_000, status: "finished" },
    ]);

    // The first write folds the outcomes that version left appended; reads stay the same.
    journal.setOutcome("c", { status: "delivered", attempts: 1, at: 1_700_000_009_000, last: { eventId: "c", attempt: 1, at: 1_700_000_008_000, statusCode: 200, latencyMs: 2 } });
    await journal.flush();
    journal.close();
    const reopened = openJournal(path);
    const { events, attempts, counts } = readAll(reopened);
    const before = readBefore as ReturnType<typeof readAll>;
    expect(events.filter((event) => event.id !== "c")).toEqual(before.events.filter((event) => event.id !== "c"));
    expect(events.find((event) => event.id === "c")).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 200 });
    expect({ ...attempts, c: [] }).toEqual(before.attempts);
    expect(counts).toEqual({ ...before.counts, pending: 0, delivered: 3 });
    reopened.close();
  });

  it("creates a new journal at the current layout, and opens it again without writing", () => {
    const path = freshPath();
    openJournal(path).close();
    expect(pragma(path, "user_version")).toBe(currentLayout);
    const watcher = new DatabaseSync(path);
    const changes = () => watcher.prepare("PRAGMA data_version").get()?.data_version;
    const before = changes();
    openJournal(path).close();
    expect(changes()).toBe(before);
    watcher.close();
  });

  it("refuses a journal of a layout newer than it knows, and leaves it as it is", () => {
    const path = freshPath();
    openJournal(path).close();
    const raw = new DatabaseSync(path);
    raw.exec("PRAGMA user_version = 99");
    raw.close();
    expect(() => openJournal(path)).toThrow(/^tiw-push-kit: the journal .* has layout 99, newer than this version of tiw-push-kit reads \(3\)/);
    expect(pragma(path, "user_version")).toBe(99);
  });
});
