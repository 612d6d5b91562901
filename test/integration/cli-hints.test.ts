import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";
import { journalPaths, stoppedAfterEach } from "../helpers/journal-runs.js";
import { recordingServer } from "../helpers/servers.js";

const freshJournal = journalPaths("cli-hints");
const tracked = stoppedAfterEach();

async function receiverAnswering(status: number) {
  const server = tracked(await recordingServer(() => new Response("no", { status })));
  return `${server.url}/callback`;
}

describe("hints where a user loses time", () => {
  it("emit: every delivery answered 401 asks whether --key is the receiver's callback key", async () => {
    const target = await receiverAnswering(401);
    const result = await cli(["emit", "--target", target, "--key", "wrong", "--count", "2", "--retries", "0", "--seed", "1", "--journal", freshJournal()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("the receiver rejects the signature: is --key its callback key?");
  });

  it("emit: no hint when only some deliveries are refused", async () => {
    let answered = 0;
    const server = tracked(await recordingServer(() => new Response("", { status: answered++ === 0 ? 401 : 200 })));
    const result = await cli(["emit", "--target", `${server.url}/callback`, "--key", "k", "--count", "2", "--retries", "0", "--concurrency", "1", "--seed", "1", "--journal", freshJournal()]);
    expect(result.stderr).not.toContain("rejects the signature");
  });

  it("trigger: a 401 gets the same hint", async () => {
    const target = await receiverAnswering(401);
    const result = await cli(["trigger", "started", "--target", target, "--key", "wrong", "--retries", "0", "--journal", freshJournal()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("is --key its callback key?");
  });

  it("https:// to a plain-HTTP port says to use http://, and every error stays on one line", async () => {
    const target = (await receiverAnswering(200)).replace("http://", "https://");
    const result = await cli(["emit", "--target", target, "--key", "k", "--count", "1", "--retries", "0", "--seed", "1", "--verbose", "--journal", freshJournal()]);
    expect(result.code).toBe(1);
    const failedLines = result.stdout.split("\n").filter((line) => line.startsWith("failed"));
    expect(failedLines).toHaveLength(2);
    for (const line of failedLines) expect(line).toMatch(/wrong version number.*\(EPROTO\) WhiteboardPush(Started|Stopped) /);
    expect(result.stderr).toContain("the target does not speak TLS: use http://");
    const triggered = await cli(["trigger", "started", "--target", target, "--key", "k", "--retries", "0", "--journal", freshJournal()]);
    expect(triggered.stdout.trim().split("\n")).toHaveLength(1);
    expect(triggered.stderr).toContain("use http://");
  });
});
