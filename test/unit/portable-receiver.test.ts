import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BodyTooLargeError, readBody } from "../../src/receiver/read-body.js";
import { utf8ByteLength } from "../../src/receiver/utf8-byte-length.js";

describe("utf8ByteLength", () => {
  it("counts what Buffer.byteLength counts, lone surrogates included", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)) }), (text, surrogates) => {
        const mixed = text + surrogates + text;
        expect(utf8ByteLength(mixed)).toBe(Buffer.byteLength(mixed));
      }),
    );
    expect(utf8ByteLength("a\u00e9\u20ac\u{1f600}")).toBe(1 + 2 + 3 + 4);
  });
});

describe("readBody", () => {
  it("joins the chunks of a streamed body into one plain Uint8Array", async () => {
    const chunks = [new Uint8Array([1, 2]), new Uint8Array([3]), new Uint8Array([4, 5, 6])];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    const body = await readBody(new Request("http://127.0.0.1/", { method: "POST", body: stream, duplex: "half" } as RequestInit), 100);
    expect(Buffer.isBuffer(body)).toBe(false);
    expect([...body]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("reads a body that declares its length whole, and still refuses one longer than the limit", async () => {
    const declared = (body: string, length: number) => new Request("http://127.0.0.1/", { method: "POST", body, headers: { "content-length": String(length) } });
    expect(new TextDecoder().decode(await readBody(declared("héllo", 6), 6))).toBe("héllo");
    await expect(readBody(declared("x".repeat(101), 101), 100)).rejects.toThrow(BodyTooLargeError);
    await expect(readBody(declared("x".repeat(101), 5), 100)).rejects.toThrow(BodyTooLargeError);
  });

  it("stops at the limit a body that declares a small length but never ends, made in-process where nothing holds it to that length", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1024;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const request = new Request("http://127.0.0.1/", { method: "POST", body: endless, duplex: "half", headers: { "content-length": "10" } } as RequestInit);
    await expect(readBody(request, 4096)).rejects.toThrow(BodyTooLargeError);
    expect(pulled).toBeLessThan(64 * 1024);
  });
});
