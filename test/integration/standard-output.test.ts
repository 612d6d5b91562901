import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The built bin, as installed: it writes a file or /dev/null straight to the descriptor and a pipe through process.stdout.
const bin = fileURLToPath(new URL("../../dist/src/cli/bin.js", import.meta.url));
const generate = ["generate", "--count", "20000", "--seed", "3", "--now", "1700000000", "--key", "k"];

function toFile(args: string[]): { status: number | null; text: string } {
  const path = join(mkdtempSync(join(tmpdir(), "tiw-push-kit-stdout-")), "out.jsonl");
  const fd = openSync(path, "w");
  try {
    const { status } = spawnSync(process.execPath, [bin, ...args], { stdio: ["ignore", fd, "inherit"] });
    return { status, text: readFileSync(path, "utf8") };
  } finally {
    closeSync(fd);
  }
}

describe("standard output", () => {
  it("writes a file byte for byte as it writes a pipe, over thousands of writes", () => {
    const piped = spawnSync(process.execPath, [bin, ...generate], { encoding: "utf8", maxBuffer: 1024 ** 3 });
    const filed = toFile(generate);
    expect(piped.status).toBe(0);
    expect(filed.status).toBe(0);
    expect(piped.stdout.split("\n")).toHaveLength(40_001);
    expect(filed.text).toBe(piped.stdout);
  });

  it("prints a signature to a file and to /dev/null like to a pipe", () => {
    const args = ["sign", "--key", "Xz4ZgayTr7rMgWQrH", "--expire-time", "1588040109"];
    expect(toFile(args)).toEqual({ status: 0, text: "a2dabb362a9b811c0e26953a6276a41c\n" });
    expect(spawnSync(process.execPath, [bin, ...args], { stdio: ["ignore", "ignore", "pipe"] }).status).toBe(0);
  });
});
