import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";
import { committedRows, journalPaths, receipts, stoppedAfterEach } from "../helpers/journal-runs.js";
import { liveCli, recordingServer, waitFor } from "../helpers/servers.js";

const key = "streaming-test-key";
const freshJournal = journalPaths("streaming");
const stopped = stoppedAfterEach();

describe("emit streams a generated run", () => {
  it("sends its first event while the plan is still being made, and records all of it by the end", async () => {
    const journalPath = freshJournal();
    const tasks = 20_000;
    let recordedAtFirstArrival: number | undefined;
    const receiver = stopped(
      await recordingServer((_, index) => {
        if (index === 0) recordedAtFirstArrival = committedRows(journalPath, "events");
        return Response.json({ error_code: 0 });
      }),
    );
    const run = await cli(["emit", "--target", `${receiver.url}/callback`, "--key", key, "--count", String(tasks), "--concurrency", "16", "--journal", journalPath, "--json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ sent: 2 * tasks, delivered: 2 * tasks, pending: 0, planComplete: true });
    // The first batch only: the plan is recorded batch by batch as it is sent, never whole ahead.
    expect(recordedAtFirstArrival).toBeGreaterThan(0);
    expect(recordedAtFirstArrival).toBeLessThanOrEqual(64);
    expect(committedRows(journalPath, "events")).toBe(2 * tasks);
    expect(receipts(receiver.bodies).size).toBe(2 * tasks);
  }, 60_000);

  it("on Ctrl-C, tells that the rest of the run is not planned yet, and --resume plans and sends exactly that", async () => {
    const journalPath = freshJournal();
    const receiver = stopped(await recordingServer());
    const run = liveCli(["emit", "--target", `${receiver.url}/callback`, "--key", key, "--count", "300", "--rate", "200", "--journal", journalPath]);
    await waitFor(() => receiver.bodies.length >= 10, 10_000, "10 deliveries");
    run.interrupt();
    expect(await run.exit).toBe(1);
    expect(run.stdout()).toMatch(/^pending: \d+ and the rest of the run, not planned yet, send them with: tiw-push-kit emit --resume --key KEY --journal /m);
    const before = receiver.bodies.length;

    const resumed = await cli(["emit", "--resume", "--journal", journalPath, "--key", key, "--json"]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/planned again from --seed \w+ --now \d+ \(600 events, those recorded before kept as they are\)/);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ sent: 600 - before, delivered: 600 - before, pending: 0, planComplete: true });
    // A graceful stop journals every answer it got: nothing is sent twice.
    expect([...receipts(receiver.bodies).values()].every((count) => count === 1)).toBe(true);
    expect(receipts(receiver.bodies).size).toBe(600);
  });
});
