import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { createTiwApi } from "../../src/stand-in/http/tiw-api.js";

/** Runs per property: small in `npm test`, large with `npm run fuzz` (FUZZ_RUNS). */
const numRuns = Number(process.env.FUZZ_RUNS ?? 400);
const seed = Number(process.env.FUZZ_SEED ?? 20261130);
const sdkAppId = 1400000001;
const actions = ["SetWhiteboardPushCallback", "SetWhiteboardPushCallbackKey", "DescribeWhiteboardPushCallback", "StartWhiteboardPush", "StopWhiteboardPush", "DescribeWhiteboardPush"];
const kitPaths = ["settings", "clock", "clock/advance", "tasks", "tasks/x", "tasks/x/stop", "tasks/x/exception", "deliveries", "deliveries/x/resend", "deliveries/x/payload", "chaos-bursts", "events"];

const api = createTiwApi({ timeScale: 0, rateLimit: false, callback: "http://receiver.test/cb", callbackKey: "fuzz-key", retries: 0, callbackHandler: async () => Response.json({ error_code: 0 }) });
afterAll(() => api.close());

/** A body that is sometimes right, often almost right, sometimes garbage. */
const body = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.record({ SdkAppId: fc.oneof(fc.constant(sdkAppId), fc.jsonValue()), RoomId: fc.jsonValue(), PushUserId: fc.jsonValue(), PushUserSig: fc.string(), TaskId: fc.jsonValue(), Callback: fc.string(), CallbackKey: fc.string(), seconds: fc.double(), ms: fc.double(), count: fc.jsonValue(), faults: fc.jsonValue() }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
  fc.string({ unit: "binary", maxLength: 300 }),
);

describe("the stand-in's request handling, fuzzed", () => {
  it("answers every Cloud API request in Tencent's shape, never InternalError, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...actions, "Bogus", ""), fc.constantFrom("POST", "GET", "PUT"), fc.constantFrom("2019-09-19", "", "2020-01-01"), body, async (action, method, version, text) => {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (action) headers["x-tc-action"] = action;
        if (version) headers["x-tc-version"] = version;
        const response = await api.fetch(new Request("http://127.0.0.1/", { method, headers, ...(method === "GET" ? {} : { body: text }) }));
        expect(response.status).toBe(200);
        const answer = (await response.json()) as { Response: { RequestId: string; Error?: { Code: string; Message: string } } };
        expect(answer.Response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
        expect(answer.Response.Error?.Code).not.toBe("InternalError");
      }),
      { numRuns, seed },
    );
  });

  it("answers every control request with JSON and a status below 500", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...kitPaths, "", "nope", "%E0%A4%A", "tasks/%00/stop"), fc.constantFrom("GET", "POST", "DELETE"), body, async (path, method, text) => {
        if (path === "events") return; // an event stream stays open; it is tested on its own
        const response = await api.fetch(new Request(`http://127.0.0.1/_kit/${path}`, { method, ...(method === "GET" ? {} : { body: text }) }));
        expect(response.status).toBeLessThan(500);
        const answer = (await response.json()) as { error?: string; message?: string };
        if (response.status >= 400) expect(answer).toEqual({ error: expect.any(String), message: expect.any(String) });
      }),
      { numRuns, seed },
    );
    await api.settled();
  });
});
