import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eventStatuses, openJournal, type AttemptRecord, type Journal } from "../../src/delivery/index.js";

const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-journal-fold-"));
let files = 0;
const eventIds = ["e0", "e1", "e2"];

/** One recorded step of a run: an attempt a retry followed, or a delivery's end (with its ending attempt or stopped before one). */
type Step =
  | { kind: "attempt"; eventId: string; statusCode: number }
  | { kind: "outcome"; eventId: string; status: (typeof eventStatuses)[number]; attempts: number; ending?: { statusCode?: number; error?: string } };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("attempt" as const), eventId: fc.constantFrom(...eventIds), statusCode: fc.constantFrom(500, 502, 503) }),
  fc.record(
    {
      kind: fc.constant("outcome" as const),
      eventId: fc.constantFrom(...eventIds),
      status: fc.constantFrom(...eventStatuses),
      attempts: fc.integer({ min: 0, max: 3 }),
      ending: fc.oneof(fc.record({ statusCode: fc.constantFrom(200, 401, 500) }), fc.record({ error: fc.constant("timeout after 5000 ms") })),
    },
    { requiredKeys: ["kind", "eventId", "status", "attempts"] },
  ),
);

/** Everything a reader of the run's events sees. */
function readAll(journal: Journal) {
  const events = journal.listEvents({ taskId: "run" });
  return { events, attempts: events.map((event) => journal.listAttempts(event.id)) };
}

function record(journal: Journal, steps: readonly Step[], firstAt: number): void {
  steps.forEach((recorded, index) => {
    const at = firstAt + index;
    const attempt = (statusCode?: number, error?: string): AttemptRecord => ({ eventId: recorded.eventId, attempt: 1, at, latencyMs: 1, ...(statusCode ? { statusCode } : {}), ...(error ? { error } : {}) });
    if (recorded.kind === "attempt") journal.addAttempt(attempt(recorded.statusCode));
    else journal.setOutcome(recorded.eventId, { status: recorded.status, attempts: recorded.attempts, at, ...(recorded.ending ? { last: attempt(recorded.ending.statusCode, recorded.ending.error) } : {}) });
  });
}

describe("folding appended outcomes", () => {
  it("changes no read, whichever runs appended them and wherever the folds fall", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(step, { maxLength: 12 }), { minLength: 1, maxLength: 4 }), async (runs) => {
        const path = join(dir, `journal-${++files}.db`);
        const neverFolded = openJournal(":memory:");
        const events = eventIds.map((id) => ({ id, taskId: "run", eventType: "WhiteboardPushStarted", body: "{}", target: "http://127.0.0.1:1/callback", signed: true, createdAt: 0 }));
        neverFolded.addEvents(events);
        let firstAt = 1;
        for (const [index, steps] of runs.entries()) {
          // Each run is a writer of its own: its first write folds what the earlier ones appended.
          const writer = openJournal(path);
          const before = readAll(writer);
          writer.addEvents(index === 0 ? events : [{ ...events[0]!, id: `run-${index}`, taskId: "marker" }]);
          if (index > 0) expect(readAll(writer)).toEqual(before);
          record(writer, steps, firstAt);
          record(neverFolded, steps, firstAt);
          firstAt += steps.length;
          await writer.flush();
          expect(readAll(writer)).toEqual(readAll(neverFolded));
          writer.close();
        }
        neverFolded.close();
      }),
      { numRuns: 60 },
    );
  });
});
