import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openJournal } from "../../src/delivery/index.js";
import { openTaskHistory, type StoredTask } from "../../src/store/index.js";

const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-task-history-"));
let files = 0;
const freshPath = () => join(dir, `journal-${++files}.db`);

interface Task extends StoredTask {
  status: string;
}
const task = (taskId: string, createdAt: number, status = "pushing"): Task => ({ taskId, createdAt, status });

afterEach(() => {
  vi.useRealTimers();
});

describe("openTaskHistory", () => {
  it("keeps the latest view of each task in the journal's file, through the journal's own connection", () => {
    const path = freshPath();
    const journal = openJournal(path);
    const history = openTaskHistory<Task>(journal.database);
    history?.save(task("t1", 1));
    history?.save(task("t2", 2));
    history?.save(task("t1", 1, "finished"));
    // Closing the journal writes what the history has queued: one owner of the file.
    journal.close();

    const again = openJournal(path);
    expect(openTaskHistory<Task>(again.database)?.restore()).toEqual([task("t2", 2), task("t1", 1, "finished")]);
    again.close();
  });

  it("has nothing to keep for an in-memory journal", () => {
    const journal = openJournal(":memory:");
    expect(openTaskHistory<Task>(journal.database)).toBeUndefined();
    journal.close();
  });

  it("keeps the newest tasks when opened", () => {
    const path = freshPath();
    const journal = openJournal(path);
    const history = openTaskHistory<Task>(journal.database);
    for (let i = 0; i < 2005; i++) history?.save(task(`t${i}`, i));
    history?.close();
    journal.close();

    const again = openJournal(path);
    const restored = openTaskHistory<Task>(again.database)?.restore() ?? [];
    expect(restored).toHaveLength(2000);
    expect([restored[0]?.taskId, restored.at(-1)?.taskId]).toEqual(["t2004", "t5"]);
    again.close();
  });

  it("reports a failed write once, keeps the views and writes them with the next change", () => {
    vi.useFakeTimers();
    const warnings: string[] = [];
    const warn = vi.spyOn(process, "emitWarning").mockImplementation((warning) => void warnings.push(String(warning)));
    const path = freshPath();
    const journal = openJournal(path);
    const history = openTaskHistory<Task>(journal.database);
    const raw = new DatabaseSync(path);
    raw.exec("ALTER TABLE kit_tasks RENAME TO kit_tasks_away");
    try {
      history?.save(task("t1", 1));
      vi.runAllTimers();
      history?.save(task("t2", 2));
      vi.runAllTimers();
      expect(warnings).toEqual([expect.stringMatching(/^tiw-push-kit: the task history could not be written, retrying with the next change: .*kit_tasks/)]);

      raw.exec("ALTER TABLE kit_tasks_away RENAME TO kit_tasks");
      history?.save(task("t3", 3));
      vi.runAllTimers();
      expect(raw.prepare("SELECT task_id FROM kit_tasks ORDER BY task_id").all().map((row) => row.task_id)).toEqual(["t1", "t2", "t3"]);
      expect(warnings).toHaveLength(1);
    } finally {
      warn.mockRestore();
      raw.close();
      journal.close();
    }
  });
});
