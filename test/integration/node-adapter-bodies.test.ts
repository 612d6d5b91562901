import { request as httpRequest } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { serve, type RunningServer } from "../../src/server/node.js";

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe("serve: answer bodies", () => {
  it("sends a whole JSON answer in one piece with its Content-Length, not chunked", async () => {
    running = await serve(async (request) => Response.json({ echoed: await request.json() }));
    const response = await fetch(running.url, { method: "POST", body: JSON.stringify({ RoomId: 7 }) });
    expect(response.headers.get("content-length")).toBe(String(JSON.stringify({ echoed: { RoomId: 7 } }).length));
    expect(response.headers.get("transfer-encoding")).toBeNull();
    expect(await response.json()).toEqual({ echoed: { RoomId: 7 } });
  });

  it("sends a stream's headers and first chunk without waiting for its next chunk", async () => {
    running = await serve(
      async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start: (controller) => controller.enqueue(new TextEncoder().encode("data: first\n\n")),
          }),
          { headers: { "content-type": "text/event-stream" } },
        ),
    );
    const controller = new AbortController();
    const response = await fetch(running.url, { signal: controller.signal });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: first\n\n");
    controller.abort();
  });

  it.each(["GET", "POST"])("aborts a %s request's signal when its client leaves", async (method) => {
    let leave = () => {};
    const aborted = new Promise<void>((resolve) => (leave = resolve));
    running = await serve(async (request) => {
      request.signal.addEventListener("abort", () => leave());
      return new Response(new ReadableStream({ start: (controller) => controller.enqueue(new Uint8Array([58, 10])) }));
    });
    const client = httpRequest(running.url, { method }, (response) => response.once("data", () => client.destroy()));
    client.end(method === "POST" ? "{}" : undefined);
    await aborted;
  });
});
