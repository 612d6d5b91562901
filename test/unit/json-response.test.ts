import { describe, expect, it } from "vitest";
import { jsonResponse, knownText } from "../../src/tiw/json-response.js";

describe("jsonResponse", () => {
  it("is a Response as Response.json makes it: status, headers, body", async () => {
    const response = jsonResponse({ ok: true }, { status: 201, headers: { "x-kind": "test" } });
    const expected = Response.json({ ok: true }, { status: 201, headers: { "x-kind": "test" } });
    expect(response).toBeInstanceOf(Response);
    expect([response.status, [...response.headers]]).toEqual([expected.status, [...expected.headers]]);
    expect(await response.json()).toEqual(await expected.json());
  });

  it("reads once, through its body or its methods alike", async () => {
    const response = jsonResponse({ n: 1 });
    expect(response.bodyUsed).toBe(false);
    expect(new TextDecoder().decode((await response.body!.getReader().read()).value)).toBe('{"n":1}');
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(() => response.clone()).toThrow(TypeError);
  });

  it("clones into a second answer with the same body", async () => {
    const response = jsonResponse({ n: 2 }, { status: 202 });
    const copy = response.clone();
    expect([await response.text(), await copy.text(), copy.status]).toEqual(['{"n":2}', '{"n":2}', 202]);
  });

  it("keeps its text for the server until something reads the body", async () => {
    const response = jsonResponse({ n: 3 });
    expect(knownText(response)).toBe('{"n":3}');
    expect(knownText(Response.json({ n: 3 }))).toBeUndefined();
    await response.arrayBuffer();
    expect(knownText(response)).toBeUndefined();
  });

  it("refuses what Response.json refuses: a value that is not JSON, a body on a 204", () => {
    expect(() => jsonResponse(undefined)).toThrow(TypeError);
    expect(() => jsonResponse({}, { status: 204 })).toThrow(TypeError);
  });
});
