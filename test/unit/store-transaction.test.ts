import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { openJournal, type NewJournalEvent } from "../../src/delivery/index.js";
import { createTransaction } from "../../src/store/transaction.js";

const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-transaction-"));
let files = 0;
const freshPath = () => join(dir, `journal-${++files}.db`);
const event = (id: string): NewJournalEvent => ({ id, taskId: "task1", eventType: "WhiteboardPushStarted", body: "{}", target: "http://127.0.0.1:1/callback", signed: true, createdAt: 1 });

function scratch() {
  const connection = new DatabaseSync(":memory:");
  connection.exec("CREATE TABLE notes (text TEXT NOT NULL)");
  const notes = () => connection.prepare("SELECT text FROM notes").all().map((row) => row.text);
  const add = (text: string | null) => connection.prepare("INSERT INTO notes (text) VALUES (?)").run(text);
  return { connection, transaction: createTransaction(connection), notes, add };
}

/** Makes every write of `table` in the file at `path` fail the way a trigger's RAISE does. */
function refuseWrites(path: string, table: string, raise: "ROLLBACK" | "ABORT"): void {
  const raw = new DatabaseSync(path);
  raw.exec(`CREATE TRIGGER refuse_${table} BEFORE INSERT ON ${table} BEGIN SELECT RAISE(${raise}, 'refused by the test'); END`);
  raw.close();
}

describe("the store's transaction", () => {
  it("commits the writes and returns what they return", () => {
    const { transaction, notes, add } = scratch();
    expect(transaction(() => (add("one"), add("two"), "done"))).toBe("done");
    expect(notes()).toEqual(["one", "two"]);
  });

  it("rolls back every write of a failed one and throws its own error", () => {
    const { connection, transaction, notes, add } = scratch();
    const failure = new Error("the third write failed");
    expect(() =>
      transaction(() => {
        add("one");
        add("two");
        throw failure;
      }),
    ).toThrow(failure);
    expect(notes()).toEqual([]);
    expect(connection.isTransaction).toBe(false);
  });

  it("throws the error of a write SQLite rolled back itself, not a failed ROLLBACK", () => {
    const path = freshPath();
    openJournal(path).close();
    refuseWrites(path, "events", "ROLLBACK");
    const journal = openJournal(path);
    expect(() => journal.addEvents([event("a")])).toThrow("refused by the test");
    journal.close();
  });

  it("leaves an enclosing transaction alone when it cannot begin", () => {
    const { connection, transaction, notes, add } = scratch();
    connection.exec("BEGIN");
    add("outer");
    expect(() => transaction(() => add("inner"))).toThrow(/within a transaction/);
    connection.exec("COMMIT");
    expect(notes()).toEqual(["outer"]);
  });

  it("throws the write's error with the rollback's when rolling back fails too", () => {
    const failure = new Error("disk I/O error");
    const rollbackFailure = new Error("cannot roll back");
    const statement = (sql: string) => ({
      run() {
        if (sql === "ROLLBACK") throw rollbackFailure;
      },
    });
    const connection = { prepare: statement, isTransaction: true } as unknown as DatabaseSync;
    let thrown: unknown;
    try {
      createTransaction(connection)(() => {
        throw failure;
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AggregateError);
    expect(thrown).toMatchObject({ message: "tiw-push-kit: a write failed and rolling it back failed too", errors: [failure, rollbackFailure] });
  });
});

describe("closing a journal", () => {
  it("throws, once closed, when the writes still queued cannot be committed", () => {
    const path = freshPath();
    const journal = openJournal(path);
    journal.addEvents([event("a")]);
    refuseWrites(path, "outcomes", "ABORT");
    journal.setOutcome("a", { status: "delivered", attempts: 1, at: 2 });
    expect(() => journal.close()).toThrow("refused by the test");
    expect(journal.database.isOpen).toBe(false);
  });
});
