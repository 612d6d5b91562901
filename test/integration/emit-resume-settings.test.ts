import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { serve, type RunningServer } from "../../src/server/node.js";
import { cli } from "../helpers/cli.js";
import { liveCli, waitFor } from "../helpers/servers.js";

const key = "resume-settings-key";
const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-resume-settings-"));
const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A receiver that accepts everything and keeps the X-Run header of each request. */
async function headerRecorder() {
  const runHeaders: Array<string | null> = [];
  const server = await serve(async (request) => {
    runHeaders.push(request.headers.get("x-run"));
    return Response.json({ error_code: 0 });
  });
  servers.push(server);
  return { url: `${server.url}/callback`, runHeaders };
}

describe("emit --resume", () => {
  it("restores the stopped run's settings (never its key), prints them, and lets flags given now win", async () => {
    const { url, runHeaders } = await headerRecorder();
    const journal = join(dir, "journal.db");
    const started = liveCli(["emit", "--target", url, "--key", key, "--count", "20", "--rate", "10", "--concurrency", "1", "--timeout", "4321", "--retries", "2", "--header", "X-Run: first", "--journal", journal]);
    await waitFor(() => runHeaders.length >= 3, 10_000, "3 deliveries");
    started.interrupt();
    expect(await started.exit).toBe(1);
    // A command that works: the events are signed, so the key is needed again.
    expect(started.stdout()).toContain(`send them with: tiw-push-kit emit --resume --key KEY --journal ${journal}`);
    const before = runHeaders.length;

    const resumed = await cli(["emit", "--resume", "--key", key, "--concurrency", "4", "--journal", journal, "--json"]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/resuming run evt_\w+ with the settings it was started with: .*--concurrency 1 --rate 10 --timeout 4321 --retries 2 --header 'X-Run: …'; given now: --concurrency/);
    expect(resumed.stderr).toContain(`--target ${url}`);
    expect(runHeaders.length).toBe(40);
    // The header the run was started with, on every resumed request.
    expect(runHeaders.slice(before).every((header) => header === "first")).toBe(true);
    // Rate 10/s kept: the rest cannot all have gone at once.
    expect(JSON.parse(resumed.stdout).durationMs).toBeGreaterThan(((40 - before - 1) / 10) * 1000 * 0.8);
    for (const file of [journal, `${journal}-wal`].filter((path) => existsSync(path))) expect(readFileSync(file).includes(key)).toBe(false);
  });
});
