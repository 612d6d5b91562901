import { describe, expect, it } from "vitest";
import { openJournal, planDeliveries, recordPlanInBatches, type PlannedDelivery } from "../../src/delivery/index.js";
import { generate } from "../../src/generate/generate.js";
import { createRandom } from "../../src/generate/random.js";

const target = "http://127.0.0.1:1/callback";
const planOf = (tasks: number) => planDeliveries(generate({ count: tasks, seed: 8, now: 1_700_000_000 }), { random: createRandom(8) });

describe("recordPlanInBatches", () => {
  it("records each batch before giving any of it out, and marks the run once the plan ran out", () => {
    const journal = openJournal(":memory:");
    journal.beginRun({ id: "evt_run1", createdAt: 1 });
    const plan = recordPlanInBatches(journal, planOf(500), { target, hasKey: true, runId: "evt_run1" });
    const given: PlannedDelivery[] = [];
    for (const delivery of plan.deliveries) {
      expect(journal.hasEvent(delivery.eventId ?? "")).toBe(true);
      given.push(delivery);
    }
    expect(given).toHaveLength(1000);
    expect(new Set(given.map((delivery) => delivery.eventId)).size).toBe(1000);
    expect(given[0]?.eventId).toBe("evt_run1_000000001");
    expect(plan.recordedCount()).toBe(1000);
    expect(plan.complete()).toBe(true);
    expect(journal.unrecordedRuns()).toEqual([]);
    journal.close();
  });

  it("leaves a run stopped part-way unrecorded, with only the batches pulled; planned again, it gains only the rest, under the same ids", () => {
    const journal = openJournal(":memory:");
    journal.beginRun({ id: "evt_run2", createdAt: 1 });
    const plan = recordPlanInBatches(journal, planOf(500), { target, hasKey: true, runId: "evt_run2" });
    const firstIds: string[] = [];
    for (const delivery of plan.deliveries) {
      firstIds.push(delivery.eventId ?? "");
      if (firstIds.length === 70) break;
    }
    // The first batch (64) and the second (128), not the rest.
    expect(plan.recordedCount()).toBe(64 + 128);
    expect(journal.countByStatus().pending).toBe(192);
    expect(plan.complete()).toBe(false);
    expect(journal.unrecordedRuns().map((run) => run.id)).toEqual(["evt_run2"]);
    journal.setOutcome(firstIds[0] ?? "", { status: "delivered", attempts: 1, at: 2 });

    const again = recordPlanInBatches(journal, planOf(500), { target, hasKey: true, runId: "evt_run2" });
    const allIds = [...again.deliveries].map((delivery) => delivery.eventId);
    expect(allIds.slice(0, 70)).toEqual(firstIds);
    expect(journal.countByStatus()).toMatchObject({ pending: 999, delivered: 1 });
    expect(journal.unrecordedRuns()).toEqual([]);
    journal.close();
  });

  it("stops giving deliveries out when the journal cannot be written", () => {
    const journal = openJournal(":memory:");
    journal.beginRun({ id: "evt_run3", createdAt: 1 });
    journal.database.prepare("CREATE TRIGGER no_room BEFORE INSERT ON events WHEN (SELECT COUNT(*) FROM events) >= 64 BEGIN SELECT RAISE(ABORT, 'refused by the test'); END").run();
    const plan = recordPlanInBatches(journal, planOf(500), { target, hasKey: true, runId: "evt_run3" });
    expect([...plan.deliveries]).toHaveLength(64);
    expect(journal.writeFailed.aborted).toBe(true);
    expect(plan.complete()).toBe(false);
  });
});
