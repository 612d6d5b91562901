import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = new URL("../..", import.meta.url);

// `npm test` builds first; this checks the compiled bin as `npx tiw-push-kit` runs it.
describe("the installed bin", () => {
  it("runs as npx tiw-push-kit with the official vector", async () => {
    const { stdout } = await run("npx", ["--no-install", "tiw-push-kit", "sign", "--key", "Xz4ZgayTr7rMgWQrH", "--expire-time", "1588040109"], { cwd: root });
    expect(stdout).toBe("a2dabb362a9b811c0e26953a6276a41c\n");
  });

  it("exits 2 on bad usage, without a stack trace", async () => {
    const failure = await run("node", ["dist/src/cli/main.js", "generate", "--count=-3"], { cwd: root }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain("--count must be a whole number in [0, 10000000]");
    expect((failure as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
  });
});
