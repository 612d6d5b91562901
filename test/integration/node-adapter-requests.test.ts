import { get as httpGet } from "node:http";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { serve, type RunningServer } from "../../src/server/node.js";
import { jsonResponse } from "../../src/tiw/json-response.js";

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function answerOf(handler: (request: Request) => Promise<Response>, init: RequestInit = {}): Promise<Response> {
  running = await serve(handler);
  return fetch(`${running.url}/path?query=1`, init);
}

describe("serve: the Request a handler gets", () => {
  it("is a Request with the method, URL and headers the client sent", async () => {
    const response = await answerOf(
      async (request) => jsonResponse({ isRequest: request instanceof Request, method: request.method, url: request.url, custom: request.headers.get("x-custom") }),
      { method: "PUT", headers: { "x-custom": "a, b" }, body: "{}" },
    );
    expect(await response.json()).toEqual({ isRequest: true, method: "PUT", url: `${running?.url}/path?query=1`, custom: "a, b" });
  });

  it("reads its body once, as undici's Request does: a second read fails and bodyUsed says so", async () => {
    const response = await answerOf(
      async (request) => {
        const before = request.bodyUsed;
        const first = await request.json();
        const second = await request.text().catch((error: unknown) => (error as Error).name);
        return jsonResponse({ before, first, second, after: request.bodyUsed });
      },
      { method: "POST", body: JSON.stringify({ RoomId: 7 }) },
    );
    expect(await response.json()).toEqual({ before: false, first: { RoomId: 7 }, second: "TypeError", after: true });
  });

  it("hands clone and formData to undici's Request, and its clone passes for one", async () => {
    const response = await answerOf(
      async (request) => {
        const copy = new Request(request.clone());
        const form = await request.formData();
        return jsonResponse({ field: form.get("field"), copy: await copy.text(), used: request.bodyUsed, mode: request.mode });
      },
      { method: "POST", body: new URLSearchParams({ field: "värde" }) },
    );
    expect(await response.json()).toEqual({ field: "värde", copy: "field=v%C3%A4rde", used: true, mode: "cors" });
  });

  it("gives bytes and an ArrayBuffer of the body alone, and an empty body to a GET", async () => {
    const response = await answerOf(async (request) => {
      if (request.method === "GET") return jsonResponse({ body: request.body, text: await request.text() });
      const buffer = await request.arrayBuffer();
      return jsonResponse({ bytes: buffer.byteLength, text: new TextDecoder().decode(buffer) });
    }, { method: "POST", body: "héllo" });
    expect(await response.json()).toEqual({ bytes: 6, text: "héllo" });
    expect(await (await fetch(running!.url)).json()).toEqual({ body: null, text: "" });
  });

  it("streams its body to a handler that reads it as a stream", async () => {
    const response = await answerOf(
      async (request) => {
        let text = "";
        for await (const chunk of request.body!) text += new TextDecoder().decode(chunk);
        return jsonResponse({ text, used: request.bodyUsed });
      },
      { method: "POST", body: "x".repeat(200_000) },
    );
    expect(await response.json()).toEqual({ text: "x".repeat(200_000), used: true });
  });

  it("has its URL parsed as undici's Request would have it, dot segments resolved", async () => {
    running = await serve(async (request) => jsonResponse({ url: request.url }));
    const url = await new Promise<string>((resolve, reject) => {
      const client = httpGet({ host: "127.0.0.1", port: running!.port, path: "/a/../b/%7e?q=1" }, (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => resolve((JSON.parse(text) as { url: string }).url));
      });
      client.on("error", reject);
    });
    expect(url).toBe(`http://127.0.0.1:${running.port}/b/%7e?q=1`);
  });
});

describe("serve: a client that leaves before its body ends", () => {
  /** Starts a handler that reads the body in the given way only after the client has left, and says how that read ended. */
  async function readAfterTheClientLeft(read: (request: Request) => Promise<unknown>): Promise<string> {
    let settled: (outcome: string) => void = () => {};
    const outcome = new Promise<string>((resolve) => (settled = resolve));
    running = await serve(async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await read(request).then(
        () => settled("read"),
        (error: unknown) => settled(`failed: ${(error as Error).message}`),
      );
      return new Response(null, { status: 204 });
    });
    const { port } = new URL(running.url);
    const socket = connect(Number(port), "127.0.0.1", () => {
      socket.write(`POST /callback HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 100\r\n\r\nabc`);
      setTimeout(() => socket.resetAndDestroy(), 50);
    });
    socket.on("error", () => {});
    return Promise.race([outcome, new Promise<string>((resolve) => setTimeout(() => resolve("never settled"), 3000))]);
  }

  it.each([
    ["text()", (request: Request) => request.text()],
    ["json()", (request: Request) => request.json()],
    ["the body stream", async (request: Request) => {
      for await (const chunk of request.body ?? []) void chunk;
    }],
  ])("fails a read of %s begun after it left, instead of waiting forever", async (_, read) => {
    expect(await readAfterTheClientLeft(read)).toMatch(/^failed: /);
  });
});

describe("serve: answers", () => {
  it("sends a jsonResponse's text with its length in bytes", async () => {
    const response = await answerOf(async () => jsonResponse({ name: "☃ snow" }, { status: 201, headers: { "x-kind": "weather" } }));
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("x-kind")).toBe("weather");
    expect(response.headers.get("content-length")).toBe(String(new TextEncoder().encode(JSON.stringify({ name: "☃ snow" })).byteLength));
    expect(await response.json()).toEqual({ name: "☃ snow" });
  });

  it("sends any other whole body byte for byte", async () => {
    const bytes = new Uint8Array([0, 0xc3, 0xa9, 0xff, 0x80, 10]);
    const response = await answerOf(async () => new Response(bytes));
    expect(response.headers.get("content-length")).toBe("6");
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
  });
});
