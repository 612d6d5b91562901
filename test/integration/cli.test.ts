import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commands } from "../../src/cli/main.js";
import { cli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-cli-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe("tiw-push-kit", () => {
  it("lists every command with --help, and exits 2 without a command", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    for (const command of commands) expect(help.stdout).toContain(command.name);
    expect((await cli([])).code).toBe(2);
    expect(await cli(["frobnicate"])).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command 'frobnicate'") });
  });

  it.each(commands.map((command) => command.name))("%s --help prints its usage and every option", async (name) => {
    const result = await cli([name, "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: tiw-push-kit ${name}`);
    const command = await commands.find((candidate) => candidate.name === name)?.load();
    for (const option of Object.keys(command?.options ?? {})) expect(result.stdout).toContain(`--${option}`);
  });

  it("exits 2 with a one-line reason on an unknown flag or a bad value", async () => {
    const unknown = await cli(["generate", "--frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--frobnicate'");
    const bad = await cli(["generate", "--count", "many"]);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining("--count must be a whole number") });
    const scenario = await cli(["generate", "--scenario", "sometimes"]);
    expect(scenario).toMatchObject({ code: 2, stderr: expect.stringContaining("--scenario must be one of user-call, auto, exception, mixed") });
    expect(scenario.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("sign", () => {
  it("prints the official vector's signature, with the key from a flag or TIW_CALLBACK_KEY", async () => {
    expect(await cli(["sign", "--key", "Xz4ZgayTr7rMgWQrH", "--expire-time", "1588040109"])).toMatchObject({ code: 0, stdout: "a2dabb362a9b811c0e26953a6276a41c\n" });
    const fromEnv = await cli(["sign", "--expire-time", "1588040109", "--json"], { env: { TIW_CALLBACK_KEY: "Xz4ZgayTr7rMgWQrH" } });
    expect(JSON.parse(fromEnv.stdout)).toEqual({ ExpireTime: 1588040109, Sign: "a2dabb362a9b811c0e26953a6276a41c" });
  });

  it("asks for a missing key or time", async () => {
    expect(await cli(["sign", "--expire-time", "1"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--key is required") });
    expect(await cli(["sign", "--key", "k"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--expire-time is required") });
  });
});

describe("generate", () => {
  const args = ["generate", "--scenario", "mixed", "--count", "20", "--seed", "7", "--key", "k", "--sdk-app-id", "1400000042", "--now", "1700000000"];

  it("prints one callback body per line, byte-identical for the same seed and now", async () => {
    const first = await cli(args);
    const second = await cli(args);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(second.stdout);
    const lines = first.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(40);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ SdkAppId: 1400000042 });
  });

  it("pipes into validate --key, which finds every line valid", async () => {
    const { stdout } = await cli(args);
    const result = await cli(["validate", "-", "--key", "k", "--now", "1700000000", "--json"], { stdin: stdout });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ total: 40, valid: 40, invalid: 0 });
  });
});

describe("validate", () => {
  it("reports each invalid line with its number and JSON pointer, and exits 1", async () => {
    const { stdout } = await cli(["generate", "--count", "2", "--seed", "3", "--now", "1700000000"]);
    const lines = stdout.trimEnd().split("\n");
    const broken = JSON.parse(lines[1]!);
    broken.EventData.RoomId = "1253";
    const path = file("mixed.jsonl", [lines[0], JSON.stringify(broken), "{oops", "", lines[2]].join("\n"));
    const result = await cli(["validate", path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${path}:2: invalid (schema)`);
    expect(result.stdout).toContain("/EventData/RoomId must be integer");
    expect(result.stdout).toContain(`${path}:3: invalid (malformed_json)`);
    expect(result.stdout).not.toContain(`${path}:5`);
    expect(result.stderr).toContain("4 checked (schema): 2 valid, 2 invalid");
  });

  it("reports signatures that do not verify when --key is given", async () => {
    const { stdout } = await cli(["generate", "--count", "1", "--key", "right", "--now", "1700000000"]);
    const path = file("signed.jsonl", stdout);
    expect((await cli(["validate", path])).code).toBe(0);
    expect((await cli(["validate", path, "--key", "right", "--now", "1700000000"])).code).toBe(0);
    const wrong = await cli(["validate", path, "--key", "wrong", "--now", "1700000000", "--json"]);
    expect(wrong.code).toBe(1);
    const report = JSON.parse(wrong.stdout);
    expect(report).toMatchObject({ total: 2, invalid: 2 });
    expect(report.findings.map((finding: { reason: string }) => finding.reason)).toEqual(["bad_signature", "bad_signature"]);
    const late = await cli(["validate", path, "--key", "right", "--now", "1800000000"]);
    expect(late).toMatchObject({ code: 1, stdout: expect.stringContaining("invalid (expired)") });
  });

  it("reads a JSON array and a pretty-printed document", async () => {
    const { stdout } = await cli(["generate", "--count", "1", "--now", "1700000000"]);
    const events = stdout.trimEnd().split("\n").map((line) => JSON.parse(line));
    expect((await cli(["validate", file("array.json", JSON.stringify(events, null, 2))])).code).toBe(0);
    expect((await cli(["validate", file("one.json", JSON.stringify(events[0], null, 2))])).code).toBe(0);
    const broken = await cli(["validate", file("broken.json", JSON.stringify(events[0], null, 2).replace(",", ""))]);
    expect(broken).toMatchObject({ code: 1, stdout: expect.stringContaining("invalid (malformed_json)") });
  });

  it("exits 2 for a missing file and 1 for empty input", async () => {
    expect(await cli(["validate", join(dir, "nope.jsonl")])).toMatchObject({ code: 2, stderr: expect.stringContaining("no such file") });
    expect(await cli(["validate", "-"], { stdin: "" })).toMatchObject({ code: 1, stderr: expect.stringContaining("no callback bodies") });
  });
});

describe("sign --body", () => {
  it("adds ExpireTime and Sign to each body, signed for now, from a file or JSON Lines on stdin", async () => {
    const md5 = (text: string) => createHash("md5").update(text).digest("hex");
    const body = { EventType: "WhiteboardPushStarted", EventData: { TaskId: "bj0mt2l23osdj300hl30", RoomId: 1253, PushUserId: "u", PushStartTime: 1700000000 }, SdkAppId: 1400000001, Timestamp: 1700000000 };
    const before = Math.floor(Date.now() / 1000);
    const result = await cli(["sign", "--key", "k", "--body", "-"], { stdin: `${JSON.stringify(body)}\n${JSON.stringify({ ...body, Timestamp: 1700000001 })}\n` });
    expect(result.code).toBe(0);
    const signed = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as { ExpireTime: number; Sign: string; Timestamp: number });
    expect(signed).toHaveLength(2);
    for (const event of signed) {
      expect(event.ExpireTime).toBeGreaterThanOrEqual(before + 300);
      expect(event.Sign).toBe(md5(`k${event.ExpireTime}`));
    }
    expect(signed[1]?.Timestamp).toBe(1700000001);
    expect((await cli(["sign", "--key", "k"])).code).toBe(2);
    expect((await cli(["sign", "--key", "k", "--body", "-"], { stdin: "[1" })).code).toBe(2);
  });
});
