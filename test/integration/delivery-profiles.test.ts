import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";
import { recordingServer } from "../helpers/servers.js";
import { closedAfterEach, tempDir } from "../helpers/test-lifecycle.js";

const dir = tempDir("profiles");
const servers = closedAfterEach();

describe("delivery profiles", () => {
  it("names each profile after its source in --help, the documented one labelled as assumed for push", async () => {
    const help = (await cli(["emit", "--help"])).stdout;
    expect(help).toContain("tencent (default): Tencent's TIW FAQ: 10 s timeout, up to 5 retries 5 s apart (documented for transcoding/recording callbacks, assumed for push)");
    expect(help).toContain("backoff: the kit's own");
    expect(await cli(["emit", "--target", "http://127.0.0.1:9/cb", "--profile", "fast"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--profile must be one of tencent, backoff") });
  });

  it("retries on the chosen profile's schedule: 5 s apart by default, fast with backoff and with --backoff", async () => {
    const attempts: number[] = [];
    const server = await recordingServer(() => {
      attempts.push(performance.now());
      return attempts.length % 2 === 1 ? new Response("busy", { status: 503 }) : Response.json({ error_code: 0 });
    });
    servers.push(server);
    const target = `${server.url}/cb`;
    const run = (args: string[]) => cli(["emit", "--target", target, "--count", "1", "--scenario", "user-call", "--seed", "1", "--concurrency", "1", "--journal", join(dir, `j-${Math.random()}.db`), ...args]);
    expect((await run(["--profile", "backoff"])).code).toBe(0);
    // Two events, each refused once then delivered: the backoff profile's first wait is 0.25–0.5 s.
    const gaps = [attempts[1]! - attempts[0]!, attempts[3]! - attempts[2]!];
    for (const gap of gaps) expect(gap).toBeLessThan(1500);
    attempts.length = 0;
    expect((await run(["--backoff", "50"])).code).toBe(0);
    // The tencent profile has no jitter: exactly the wait asked for.
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(45);
    expect(attempts[1]! - attempts[0]!).toBeLessThan(1000);
  });
});
