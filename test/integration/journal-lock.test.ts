import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openJournal, planDeliveries, recordPlan } from "../../src/delivery/index.js";
import { generate } from "../../src/generate/generate.js";
import { createRandom } from "../../src/generate/random.js";
import { cli } from "../helpers/cli.js";
import { childCli } from "../helpers/child-cli.js";
import { receipts, stoppedAfterEach } from "../helpers/journal-runs.js";
import { recordingServer, waitFor } from "../helpers/servers.js";

const key = "lock-test-key";
const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-lock-"));
const stopped = stoppedAfterEach();

describe("a journal in use by another process", () => {
  it("is refused to a second emit --resume (exit 2, naming the process), while log still reads it; no event is sent twice", async () => {
    // Answers are held until the test lets them go, so the first emit is surely still running.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const receiver = await recordingServer(async () => {
      await released;
      return Response.json({ error_code: 0 });
    });
    stopped(receiver);
    const journalPath = join(dir, "shared.db");
    const journal = openJournal(journalPath);
    recordPlan(journal, planDeliveries(generate({ count: 50, seed: 4 }), { random: createRandom(4) }), { target: `${receiver.url}/callback`, hasKey: true });
    journal.close();

    const args = ["emit", "--resume", "--concurrency", "4", "--journal", journalPath];
    const [first, second] = [stopped(childCli(args, { env: { TIW_CALLBACK_KEY: key } })), stopped(childCli(args, { env: { TIW_CALLBACK_KEY: key } }))];
    // One holds the journal and waits for answers; the other is refused (or, without a lock, sends too).
    await waitFor(() => first.done() || second.done() || receiver.bodies.length > 4, 30_000, "one emit to be refused");
    const read = await cli(["log", "--json", "--limit", "1000", "--journal", journalPath]);
    const resend = await cli(["resend", "--failed", "--journal", journalPath], { env: { TIW_CALLBACK_KEY: key } });
    release();
    const [firstExit, secondExit] = await Promise.all([first.exited, second.exited]);

    expect(receiver.bodies).toHaveLength(100);
    expect(receipts(receiver.bodies).size).toBe(100);
    const [winner, refused] = firstExit.code === 0 ? [first, second] : [second, first];
    expect([firstExit.code, secondExit.code].sort()).toEqual([0, 2]);
    expect(refused.stderr().trim()).toBe(
      `tiw-push-kit: the journal ${journalPath} is in use by process ${winner.pid} (${journalPath}.lock); wait for it to finish, or stop it`,
    );
    expect(read.code).toBe(0);
    expect(JSON.parse(read.stdout)).toHaveLength(100);
    expect(resend).toMatchObject({ code: 2, stderr: expect.stringContaining(`is in use by process ${winner.pid}`) });
  }, 60_000);
});
