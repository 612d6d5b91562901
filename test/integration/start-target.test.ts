import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createReceiver } from "../../src/receiver/reference-receiver.js";
import { serve } from "../../src/server/node.js";
import { liveCli, waitFor } from "../helpers/servers.js";
import { closedAfterEach, tempDir } from "../helpers/test-lifecycle.js";

const dir = tempDir("start-target");
const servers = closedAfterEach();

describe("start --target: the quick start against your own receiver", () => {
  it("drives the user's receiver with the user's key instead of starting the built-in one, and says which key it signs with", async () => {
    const key = "users-own-key";
    let accepted = 0;
    const receiver = createReceiver({ callbackKey: key, sdkAppId: 1400000001, onEvent: () => void (accepted += 1) });
    const server = await serve(receiver.fetch);
    servers.push(server);
    const run = liveCli(["start", "--target", `${server.url}/tiw`, "--receiver-port", "0", "--api-port", "0", "--rate", "50", "--seed", "2", "--journal", join(dir, "e.db"), "--api-journal", join(dir, "a.db")], { env: { TIW_CALLBACK_KEY: key } });
    try {
      await waitFor(() => accepted >= 4, 15_000, "the user's receiver to accept callbacks");
      expect(run.stdout()).not.toMatch(/^\s+receiver\s/m);
      expect(run.stdout()).toContain(`${server.url}/tiw`);
      expect(run.stdout()).toContain("callback key: yours (from --key or TIW_CALLBACK_KEY)");
      expect(run.stdout()).not.toContain(key);
    } finally {
      run.interrupt();
      expect(await run.exit).toBe(0);
    }
  });

  it("prints the built-in demo key, so a payload copied from the dashboard can be checked with validate --key", async () => {
    const run = liveCli(["start", "--receiver-port", "0", "--api-port", "0", "--seed", "3", "--journal", join(dir, "e2.db"), "--api-journal", join(dir, "a2.db")]);
    try {
      await waitFor(() => run.stdout().includes("emitter"), 10_000, "start to print its services");
      expect(run.stdout()).toContain("callback key: tiw-push-kit-local-key (the built-in demo key; validate a payload with --key tiw-push-kit-local-key)");
    } finally {
      run.interrupt();
      await run.exit;
    }
  });
});
