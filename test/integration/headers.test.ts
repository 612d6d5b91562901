import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createReceiver } from "../../src/receiver/reference-receiver.js";
import { serve, type RunningServer } from "../../src/server/node.js";
import { cli } from "../helpers/cli.js";

const key = "header-key";
const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-headers-"));
const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** The reference receiver behind a gateway that refuses requests without its token. */
async function gatedReceiver(): Promise<{ url: string; seen: string[] }> {
  const receiver = createReceiver({ callbackKey: key, sdkAppId: 1400000001 });
  const seen: string[] = [];
  const server = await serve(async (request) => {
    const token = request.headers.get("x-gateway-token");
    seen.push(token ?? "");
    return token === "s3cret" ? receiver.fetch(request) : new Response("no token", { status: 401 });
  });
  servers.push(server);
  return { url: `${server.url}/cb`, seen };
}

describe("--header on the commands that send callbacks", () => {
  it("emit sends the header with every callback", async () => {
    const gate = await gatedReceiver();
    const result = await cli(["emit", "--target", gate.url, "--key", key, "--count", "2", "--seed", "1", "--header", "X-Gateway-Token: s3cret", "--journal", join(dir, "emit.db")]);
    expect(result.code).toBe(0);
    expect(gate.seen).toHaveLength(4);
    expect(new Set(gate.seen)).toEqual(new Set(["s3cret"]));
  });

  it("verify sends it with every request, so a receiver behind a gateway can be contract-tested", async () => {
    const gate = await gatedReceiver();
    const result = await cli(["verify", "--target", gate.url, "--key", key, "--sdk-app-id", "1400000001", "--seed", "1", "--header", "X-Gateway-Token: s3cret"]);
    expect(result.code).toBe(0);
    expect(gate.seen.every((token) => token === "s3cret")).toBe(true);
  });

  it.each([["no colon"], ["Bad Name: x"], ["Content-Type: text/plain"], ["Host: evil"]])("refuses --header %j with exit 2", async (flag) => {
    expect((await cli(["emit", "--target", "http://127.0.0.1:9/cb", "--header", flag])).code).toBe(2);
  });
});
