import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-start-usage-"));

describe("start with a bad flag", () => {
  it.each([
    ["--rate", "0", "--rate must be a number of events per second > 0, got '0'"],
    ["--chaos", "sometimes=1", "--chaos: "],
    ["--api-port", "70000", "--api-port must be a whole number in [0, 65535], got '70000'"],
  ])("%s %s is a usage error raised before any service starts or journal is written", async (flag, value, message) => {
    const journal = join(dir, `${flag.slice(2)}.db`);
    const apiJournal = join(dir, `${flag.slice(2)}-api.db`);
    const result = await cli(["start", "--receiver-port", "0", "--api-port", "0", "--journal", journal, "--api-journal", apiJournal, flag, value]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe("");
    expect(existsSync(apiJournal)).toBe(false);
    expect(existsSync(journal)).toBe(false);
  });
});
