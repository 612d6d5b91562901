/**
 * `examples/python-receiver/receiver.py`, the receiver for teams without Node, run by python3 on
 * 127.0.0.1 and judged by `verify --level strict` (with its state checks), as the README's CI job does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../src/generate/generate.js";
import { cli } from "../helpers/cli.js";
import { startPythonReceiver, type PythonReceiver } from "../helpers/python-receiver.js";

const callbackKey = "python-receiver-key";
const sdkAppId = 1400000001;

describe("the Python receiver example", () => {
  let receiver: PythonReceiver;
  let broken: PythonReceiver;
  beforeAll(async () => {
    [receiver, broken] = await Promise.all([startPythonReceiver({ callbackKey, sdkAppId }), startPythonReceiver({ callbackKey, sdkAppId, broken: true })]);
  });
  afterAll(async () => {
    await Promise.all([receiver?.stop(), broken?.stop()]);
  });

  const verify = (target: PythonReceiver) =>
    cli(["verify", "--target", target.url, "--sdk-app-id", String(sdkAppId), "--level", "strict", "--inspect-url", target.inspectUrl, "--json"], { env: { TIW_CALLBACK_KEY: callbackKey } });

  it("meets the contract at --level strict, state checks included", async () => {
    const { code, stdout } = await verify(receiver);
    const report = JSON.parse(stdout) as { passed: boolean; results: Array<{ name: string; status: string }> };
    expect(report.results.filter((result) => result.status !== "pass")).toEqual([]);
    expect(report.results.map((result) => result.name)).toEqual(expect.arrayContaining(["survives-burst", "state-after-duplicate", "rejects-schema-invalid"]));
    expect(code).toBe(0);
  });

  it("with --broken, skips the signature check, and verify fails it with exit 1 on rejects-bad-sign alone", async () => {
    const { code, stdout } = await verify(broken);
    const report = JSON.parse(stdout) as { results: Array<{ name: string; status: string }> };
    expect(report.results.filter((result) => result.status === "fail").map((result) => result.name)).toEqual(["rejects-bad-sign"]);
    expect(code).toBe(1);
  });

  it("refuses what JSON and the spec do not allow beyond the contract's checks: NaN, true for a number, a body over 1 MiB", async () => {
    const [started] = generate({ callbackKey, sdkAppId, seed: 7 });
    const text = JSON.stringify(started);
    const post = async (body: string) => (await fetch(receiver.url, { method: "POST", headers: { "content-type": "application/json" }, body })).status;
    expect(await post(text)).toBe(200);
    expect(await post(text.replace(/"RoomId":\d+/, '"RoomId":NaN'))).toBe(400);
    expect(await post(text.replace(/"RoomId":\d+/, '"RoomId":true'))).toBe(400);
    expect(await post(text.replace(/}$/, `,"Padding":"${"x".repeat(1024 * 1024)}"}`))).toBe(413);
    expect(receiver.log()).toMatch(/rejected \(malformed_json\)[^\n]*NaN/);
  });
});
