import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkSpecs } from "../../scripts/check-specs.js";

const openapiDir = fileURLToPath(new URL("../../openapi/", import.meta.url));

/** A copy of openapi/ with one document edited, to show the checker is not a rubber stamp. */
function brokenCopy(file: string, edit: (text: string) => string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "tiw-spec-")), "openapi");
  cpSync(openapiDir, dir, { recursive: true });
  const path = join(dir, file);
  writeFileSync(path, edit(readFileSync(path, "utf8")));
  return dir;
}

describe("spec validation by real parsers", () => {
  it("finds every document of openapi/ valid", async () => {
    const reports = await checkSpecs(openapiDir);
    expect(reports.map((report) => report.kind)).toEqual(expect.arrayContaining(["OpenAPI", "AsyncAPI"]));
    for (const report of reports) expect(report, report.file).toMatchObject({ errors: [] });
  });

  it("rejects an OpenAPI document with an unknown top-level field", async () => {
    const dir = brokenCopy("tiw-push-callbacks.openapi.yaml", (text) => text.replace("openapi: 3.1.0", "openapi: 3.1.0\nwebhook: {}"));
    const report = (await checkSpecs(dir)).find((r) => r.file === "tiw-push-callbacks.openapi.yaml");
    expect(report?.errors.join("\n")).toContain("webhook");
  });

  it("rejects an AsyncAPI document with an invalid operation action", async () => {
    const dir = brokenCopy("tiw-push-callbacks.asyncapi.yaml", (text) => text.replace("action: send", "action: shout"));
    const report = (await checkSpecs(dir)).find((r) => r.file === "tiw-push-callbacks.asyncapi.yaml");
    expect(report?.errors.join("\n")).toContain("action");
  });

  it("rejects an AsyncAPI document whose payload reference is broken", async () => {
    const dir = brokenCopy("tiw-push-callbacks.asyncapi.yaml", (text) => text.replace("./schemas/WhiteboardPushStarted.json", "./schemas/Missing.json"));
    const report = (await checkSpecs(dir)).find((r) => r.file === "tiw-push-callbacks.asyncapi.yaml");
    expect(report?.errors.length).toBeGreaterThan(0);
  });
});
