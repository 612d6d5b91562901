import { describe, expect, it } from "vitest";
import { generate } from "../../src/generate/generate.js";
import { withSignature } from "../../src/tiw/signing.js";
import { liveCli, waitFor } from "../helpers/servers.js";

const key = "log-injection-key";
const sdkAppId = 1400000001;
const forged = "\r\n200 WhiteboardPushStopped TaskId=forged-by-attacker\u0000\u001b[2J";

/** Every line a program printed that an attacker made up: a line of its own beginning with the forged text. */
const forgedLines = (output: string) => output.split(/\r\n|\n|\r/).filter((line) => line.startsWith("200 WhiteboardPushStopped TaskId=forged"));

describe("log lines cannot be forged by what a client sends", () => {
  it("receiver: a TaskId with CR LF, NUL and an escape sequence is printed escaped, on its own line", async () => {
    const run = liveCli(["receiver", "--port", "0", "--key", key]);
    try {
      await waitFor(() => run.stdout().includes("listening on"), 10_000, "the receiver to listen");
      const base = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(run.stdout())?.[1];
      const now = Math.floor(Date.now() / 1000);
      const [started] = generate({ count: 1, seed: 5, now });
      const hostile = withSignature({ ...started!, EventData: { ...started!.EventData, TaskId: `t${forged}` } }, key, now + 300);
      expect((await fetch(`${base}/callback`, { method: "POST", body: JSON.stringify(hostile) })).status).toBe(200);
      await waitFor(() => run.stdout().includes("TaskId=t"), 5_000, "the accepted line");
    } finally {
      run.interrupt();
      await run.exit;
    }
    expect(forgedLines(run.stdout())).toEqual([]);
    expect([..."\u0000\u001b"].filter((char) => run.stdout().includes(char))).toEqual([]);
    expect(run.stdout()).toContain("TaskId=t\\r\\n200");
  });

  it("serve: a callback URL with CR LF set through the API is printed escaped", async () => {
    const run = liveCli(["serve", "--port", "0", "--journal", ":memory:"]);
    try {
      await waitFor(() => run.stderr().includes("listening on"), 10_000, "serve to listen");
      const base = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(run.stderr())?.[1];
      const response = await fetch(`${base}/`, {
        method: "POST",
        headers: { "content-type": "application/json", "X-TC-Action": "SetWhiteboardPushCallback", "X-TC-Version": "2019-09-19" },
        body: JSON.stringify({ SdkAppId: sdkAppId, Callback: `http://127.0.0.1:9/cb${forged}` }),
      });
      expect(response.status).toBe(200);
      await waitFor(() => run.stdout().includes("settings:"), 5_000, "the settings line");
    } finally {
      run.interrupt();
      await run.exit;
    }
    expect(forgedLines(run.stdout())).toEqual([]);
    expect([..."\u0000\u001b"].filter((char) => run.stdout().includes(char))).toEqual([]);
  });
});
