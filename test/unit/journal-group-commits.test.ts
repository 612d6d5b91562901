import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { openJournal, type Journal } from "../../src/delivery/index.js";
import { groupCommitMs } from "../../src/store/journal-writes.js";
import { committedRows } from "../helpers/journal-runs.js";

const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-group-"));
let files = 0;

function answered(journal: Journal, from: number, count: number): void {
  for (let n = from; n < from + count; n++) {
    journal.setOutcome(`evt_${n}`, { status: "delivered", attempts: 1, at: 1_700_000_000_000, last: { eventId: `evt_${n}`, attempt: 1, at: 1_700_000_000_000, statusCode: 200, latencyMs: 1 } });
  }
}

describe("journal.groupCommits", () => {
  it("commits a full group at once, a partial one after a short wait, not at every turn", async () => {
    const path = join(dir, `journal-${++files}.db`);
    const journal = openJournal(path);
    journal.groupCommits(4);
    answered(journal, 1, 3);
    await nextTurn();
    await nextTurn();
    expect(committedRows(path, "outcomes")).toBe(0);
    // The fourth write fills the group: committed before setOutcome returns.
    answered(journal, 4, 1);
    expect(committedRows(path, "outcomes")).toBe(4);
    answered(journal, 5, 2);
    await sleep(groupCommitMs + 20);
    expect(committedRows(path, "outcomes")).toBe(6);
    journal.close();
  });

  it("commits at once on flush, and at every turn without groups", async () => {
    const path = join(dir, `journal-${++files}.db`);
    const journal = openJournal(path);
    answered(journal, 1, 2);
    await nextTurn();
    await nextTurn();
    expect(committedRows(path, "outcomes")).toBe(2);
    journal.groupCommits(100);
    answered(journal, 3, 1);
    const flushed = journal.flush();
    expect(committedRows(path, "outcomes")).toBe(3);
    await flushed;
    expect(() => journal.groupCommits(0)).toThrow(RangeError);
    journal.close();
  });
});
