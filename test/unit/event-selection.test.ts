import { describe, expect, it } from "vitest";
import { openJournal, type NewJournalEvent } from "../../src/delivery/index.js";
import { selectionMatching, selectionOf } from "../../src/cli/shared/event-selection.js";

const event = (number: number, target = "http://127.0.0.1:1/callback", signed = false): NewJournalEvent => ({
  id: `evt_run_${String(number).padStart(9, "0")}`,
  taskId: `task${number}`,
  eventType: "WhiteboardPushStarted",
  body: "{}",
  target,
  signed,
  createdAt: 1,
});

describe("selectionMatching", () => {
  it("describes the pending events without listing them, and walks them oldest first a page at a time, while they are sent", () => {
    const journal = openJournal(":memory:");
    journal.addEvents(Array.from({ length: 2500 }, (_, index) => event(index + 1, "http://127.0.0.1:1/callback", index === 1700)));
    journal.setOutcome(event(3).id, { status: "delivered", attempts: 1, at: 2 });
    const selection = selectionMatching(journal, { status: "pending" });
    expect(selection).toMatchObject({ count: 2499, targets: ["http://127.0.0.1:1/callback"], signed: true });
    expect(selection.newest?.id).toBe(event(2500).id);
    const walked: string[] = [];
    for (const pending of selection.events) {
      walked.push(pending.id);
      // Sent as it is walked: the next pages are read after this one's events changed state.
      journal.setOutcome(pending.id, { status: "delivered", attempts: 1, at: 3 });
    }
    expect(walked).toHaveLength(2499);
    expect(walked).toEqual([...walked].sort());
    expect(walked).not.toContain(event(3).id);
    journal.close();
  });

  it("stops walking, without throwing, when the journal cannot be written (the sender says why, after its summary)", () => {
    const journal = openJournal(":memory:");
    journal.addEvents(Array.from({ length: 2500 }, (_, index) => event(index + 1)));
    journal.database.prepare("CREATE TRIGGER no_room BEFORE INSERT ON outcomes BEGIN SELECT RAISE(ABORT, 'refused by the test'); END").run();
    let walked = 0;
    for (const pending of selectionMatching(journal, { status: "pending" }).events) {
      walked += 1;
      // Queued; the next page's read commits it, and that commit fails.
      journal.setOutcome(pending.id, { status: "delivered", attempts: 1, at: 3 });
    }
    expect(walked).toBe(1000);
    expect(journal.writeFailed.aborted).toBe(true);
  });

  it("names the first and last of several targets", () => {
    const journal = openJournal(":memory:");
    journal.addEvents([event(1, "http://b.test/"), event(2, "http://a.test/"), event(3, "http://c.test/")]);
    expect(selectionMatching(journal, { status: "pending" }).targets).toEqual(["http://a.test/", "http://c.test/"]);
    journal.close();
  });
});

describe("selectionOf", () => {
  it("describes events in memory as the journal describes them", () => {
    const journal = openJournal(":memory:");
    journal.addEvents([event(1, "http://b.test/"), event(2, "http://a.test/", true), event(3, "http://c.test/")]);
    const events = journal.listEvents();
    const matching = selectionMatching(journal, {});
    const inMemory = selectionOf(events);
    expect({ ...inMemory, events: [...inMemory.events] }).toEqual({ ...matching, events: [...matching.events] });
    journal.close();
  });
});
