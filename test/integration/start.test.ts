import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { serve } from "../../src/server/node.js";
import { openJournal } from "../../src/delivery/index.js";
import { generate } from "../../src/generate/generate.js";
import { withSignature } from "../../src/tiw/signing.js";
import { cli } from "../helpers/cli.js";
import { liveCli, waitFor } from "../helpers/servers.js";

const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-start-"));
const key = "start-test-key";

function listeningUrl(output: string, label: RegExp): string | undefined {
  return output.match(label)?.[1];
}

describe("receiver", () => {
  it("serves the reference receiver on 127.0.0.1, prints each callback, and stops on Ctrl-C", async () => {
    const run = liveCli(["receiver", "--port", "0", "--sdk-app-id", "1400000001"], { env: { TIW_CALLBACK_KEY: key } });
    await waitFor(() => run.stdout().includes("listening on"), 10_000, "the receiver to listen");
    const base = listeningUrl(run.stdout(), /listening on (http:\/\/127\.0\.0\.1:\d+)\//);
    expect(base).toBeDefined();
    const now = Math.floor(Date.now() / 1000);
    const [started] = generate({ count: 1, seed: 4, now });
    const valid = withSignature(started!, key, now + 300);
    const post = (body: unknown) => fetch(`${base}/callback`, { method: "POST", body: JSON.stringify(body) });

    expect((await post(valid)).status).toBe(200);
    expect((await post(valid)).status).toBe(200);
    expect((await post(withSignature(started!, "wrong-key", now + 300))).status).toBe(401);
    expect((await fetch(`${base}/callback`, { method: "POST", body: "{" })).status).toBe(400);
    expect(await (await fetch(`${base}/tasks/${started!.EventData.TaskId}`)).json()).toMatchObject({ Status: "PUSHING", Received: { WhiteboardPushStarted: 2 } });
    expect(run.stdout()).toContain(`200 WhiteboardPushStarted TaskId=${started!.EventData.TaskId} RoomId=${started!.EventData.RoomId}\n`);
    expect(run.stdout()).toContain("(duplicate)");
    expect(run.stdout()).toContain("rejected bad_signature: Sign does not match");
    expect(run.stdout()).toContain("rejected malformed_json");
    expect(run.stdout()).not.toContain(key);

    run.interrupt();
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toContain("receiver stopped: 2 accepted (1 duplicates), 2 rejected");
    await expect(fetch(`${base}/tasks`)).rejects.toThrow();
  });

  it("prints JSON lines with --json", async () => {
    const run = liveCli(["receiver", "--port", "0", "--key", key, "--json"]);
    await waitFor(() => run.stderr().includes("listening on"), 10_000, "the receiver to listen");
    const base = listeningUrl(run.stderr(), /listening on (http:\/\/127\.0\.0\.1:\d+)\//);
    await fetch(`${base}/`, { method: "POST", body: "[]" });
    run.interrupt();
    await run.exit;
    expect(JSON.parse(run.stdout())).toMatchObject({ accepted: false, reason: "schema" });
  });

  it("runs unsigned without a key, saying so and the risk in one stderr line", async () => {
    const run = liveCli(["receiver", "--port", "0", "--sdk-app-id", "1400000001"], { env: { TIW_CALLBACK_KEY: "" } });
    await waitFor(() => run.stdout().includes("listening on"), 10_000, "the receiver to listen");
    const base = listeningUrl(run.stdout(), /listening on (http:\/\/127\.0\.0\.1:\d+)\//);
    const now = Math.floor(Date.now() / 1000);
    const [started] = generate({ count: 1, seed: 5, now });
    const post = (body: unknown) => fetch(`${base}/callback`, { method: "POST", body: JSON.stringify(body) });

    expect((await post(started)).status).toBe(200);
    expect((await post(withSignature(started!, key, now + 300))).status).toBe(401);
    run.interrupt();
    expect(await run.exit).toBe(0);
    const warnings = run.stderr().split("\n").filter((line) => line.includes("unsigned"));
    expect(warnings).toEqual([expect.stringMatching(/runs unsigned .*anyone who can reach it can forge callbacks/)]);
    expect(run.stdout()).toContain("rejected unexpected_signature");
  });

  it("says so in one line when the port is taken", async () => {
    const taken = await serve(async () => new Response(null));
    try {
      const result = await cli(["receiver", "--port", String(taken.port), "--key", key]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(`tiw-push-kit: port ${taken.port} on 127.0.0.1 is already in use; pick another with --port`);
    } finally {
      await taken.close();
    }
  });
});

describe("start", () => {
  it("runs the receiver and a continuous emitter into it on 127.0.0.1, and stops cleanly on Ctrl-C", async () => {
    const journal = join(dir, "start.db");
    const run = liveCli(["start", "--receiver-port", "0", "--api-port", "0", "--api-journal", join(dir, "start-api.db"), "--rate", "100", "--seed", "3", "--journal", journal]);
    await waitFor(() => run.stdout().includes("emitter"), 10_000, "start to print its services");
    expect(run.stdout()).toMatch(/^tiw-push-kit is running on 127\.0\.0\.1, seed \S+ \(Ctrl-C stops it\):$/m);
    const base = listeningUrl(run.stdout(), /receiver\s+(http:\/\/127\.0\.0\.1:\d+)\//);
    expect(base).toBeDefined();
    expect(run.stdout()).toMatch(/emitter\s+mixed sequences into the receiver, 100 events\/s; journal /);

    const stoppedTasks = async () => {
      const tasks = (await (await fetch(`${base}/tasks`)).json()) as Array<{ Status: string }>;
      return tasks.filter((task) => task.Status === "STOPPED").length;
    };
    await waitFor(async () => (await stoppedTasks()) >= 5, 15_000, "five tasks to be stopped");

    run.interrupt();
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toMatch(/emitter\s+\d+ sent, \d+ delivered, 0 failed\n/);
    expect(run.stdout()).toMatch(/receiver\s+\d+ accepted \(0 duplicates\), 0 rejected, \d+ tasks\n/);
    expect(run.stdout().trimEnd().endsWith("stopped")).toBe(true);
    await expect(fetch(`${base}/tasks`)).rejects.toThrow();

    const recorded = openJournal(journal);
    const counts = recorded.countByStatus();
    recorded.close();
    expect(counts.delivered).toBeGreaterThanOrEqual(10);
    expect(counts.failed).toBe(0);
  });

  it("injects chaos the receiver rejects, with --chaos", async () => {
    // A fixed seed: the first batch of five tasks then surely holds duplicates and forgeries.
    const run = liveCli(["start", "--receiver-port", "0", "--api-port", "0", "--api-journal", join(dir, "chaos-api.db"), "--rate", "200", "--seed", "7", "--chaos", "bad-sign=0.5,duplicate=0.5", "--journal", join(dir, "chaos.db")]);
    await waitFor(() => run.stdout().includes("emitter"), 10_000, "start to print its services");
    const base = listeningUrl(run.stdout(), /receiver\s+(http:\/\/127\.0\.0\.1:\d+)\//);
    const stopped = async () => ((await (await fetch(`${base}/tasks`)).json()) as Array<{ Status: string }>).filter((task) => task.Status === "STOPPED").length;
    await waitFor(async () => (await stopped()) >= 5, 15_000, "five stopped tasks");
    run.interrupt();
    expect(await run.exit).toBe(0);
    const receiverLine = run.stdout().match(/receiver\s+(\d+) accepted \((\d+) duplicates\), (\d+) rejected/);
    expect(Number(receiverLine?.[2])).toBeGreaterThan(0);
    expect(Number(receiverLine?.[3])).toBeGreaterThan(0);
    expect(run.stdout()).not.toContain("forgeries accepted");
  });

  it("drives the TIW API stand-in, whose callbacks reach the receiver, and serves the dashboard", async () => {
    const run = liveCli(["start", "--receiver-port", "0", "--api-port", "0", "--api-journal", join(dir, "live-api.db"), "--rate", "1", "--seed", "11", "--journal", join(dir, "live.db")]);
    await waitFor(() => run.stdout().includes("emitter"), 10_000, "start to print its services");
    const receiver = listeningUrl(run.stdout(), /receiver\s+(http:\/\/127\.0\.0\.1:\d+)\//);
    const api = listeningUrl(run.stdout(), /api\s+(http:\/\/127\.0\.0\.1:\d+)\//);
    expect(run.stdout()).toMatch(/api\s+http:\/\/127\.0\.0\.1:\d+\/\s+TIW API stand-in .*dashboard http:\/\/127\.0\.0\.1:\d+\/ui\//);
    expect((await fetch(`${api}/ui/`)).status).toBe(200);

    type StandInTask = { taskId: string; describe: { Status: string; FinishReason: string } };
    let ended: StandInTask | undefined;
    await waitFor(
      async () => {
        const tasks = (await (await fetch(`${api}/_kit/tasks`)).json()) as StandInTask[];
        ended = tasks.find((task) => task.describe.Status === "STOPPED");
        return ended !== undefined;
      },
      20_000,
      "a stand-in task to end",
    );
    await waitFor(
      async () => {
        const answer = await fetch(`${receiver}/tasks/${ended?.taskId}`);
        return answer.ok && ((await answer.json()) as { Status: string }).Status === "STOPPED";
      },
      10_000,
      "the receiver to hold the stand-in task as STOPPED",
    );
    const held = (await (await fetch(`${receiver}/tasks/${ended?.taskId}`)).json()) as { FinishReason: string; StartedReceived: boolean };
    expect(held).toMatchObject({ FinishReason: ended?.describe.FinishReason, StartedReceived: true });

    run.interrupt();
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toMatch(/api\s+\d+ tasks started, \d+ stopped by the API, \d+ failed\n/);
  });
});
