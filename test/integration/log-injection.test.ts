import { describe, expect, it } from "vitest";
import { generate } from "../../src/generate/generate.js";
import { withSignature } from "../../src/tiw/signing.js";
import { liveCli, waitFor, type LiveCli } from "../helpers/servers.js";

const key = "log-injection-key";
const sdkAppId = 1400000001;
const forged = "\r\n200 WhiteboardPushStopped TaskId=forged-by-attacker\u0000\u001b[2J";

/** Every line a program printed that an attacker made up: a line of its own beginning with the forged text. */
const forgedLines = (output: string) => output.split(/\r\n|\n|\r/).filter((line) => line.startsWith("200 WhiteboardPushStopped TaskId=forged"));

/** Runs a long-running command until `listening on` appears in `stream`, calls `use` with its base URL, then stops it; returns what it printed. */
async function whileListening(argv: string[], stream: "stdout" | "stderr", use: (base: string, run: LiveCli) => Promise<void>): Promise<string> {
  const run = liveCli(argv);
  try {
    await waitFor(() => run[stream]().includes("listening on"), 10_000, `${argv[0]} to listen`);
    await use(/listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(run[stream]())?.[1] ?? "", run);
  } finally {
    run.interrupt();
    await run.exit;
  }
  const printed = run.stdout();
  expect(forgedLines(printed)).toEqual([]);
  expect([..."\u0000\u001b"].filter((char) => printed.includes(char))).toEqual([]);
  return printed;
}

describe("log lines cannot be forged by what a client sends", () => {
  it("receiver: a TaskId with CR LF, NUL and an escape sequence is printed escaped, on its own line", async () => {
    const printed = await whileListening(["receiver", "--port", "0", "--key", key], "stdout", async (base, run) => {
      const now = Math.floor(Date.now() / 1000);
      const [started] = generate({ count: 1, seed: 5, now });
      const hostile = withSignature({ ...started!, EventData: { ...started!.EventData, TaskId: `t${forged}` } }, key, now + 300);
      expect((await fetch(`${base}/callback`, { method: "POST", body: JSON.stringify(hostile) })).status).toBe(200);
      await waitFor(() => run.stdout().includes("TaskId=t"), 5_000, "the accepted line");
    });
    expect(printed).toContain("TaskId=t\\r\\n200");
  });

  it("serve: a callback URL with CR LF set through the API is printed escaped", async () => {
    await whileListening(["serve", "--port", "0", "--journal", ":memory:"], "stderr", async (base, run) => {
      const response = await fetch(`${base}/`, {
        method: "POST",
        headers: { "content-type": "application/json", "X-TC-Action": "SetWhiteboardPushCallback", "X-TC-Version": "2019-09-19" },
        body: JSON.stringify({ SdkAppId: sdkAppId, Callback: `http://127.0.0.1:9/cb${forged}` }),
      });
      expect(response.status).toBe(200);
      await waitFor(() => run.stdout().includes("settings:"), 5_000, "the settings line");
    });
  });
});
