/**
 * Validates every document in `openapi/` with real parsers: Redocly's OpenAPI linter (the engine of
 * `redocly lint`) for OpenAPI 3.1 and `@asyncapi/parser` for AsyncAPI 3. Exits 1 on any error.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Parser, fromFile } from "@asyncapi/parser";
import { createConfig, lint } from "@redocly/openapi-core";

export interface SpecReport {
  file: string;
  kind: "OpenAPI" | "AsyncAPI";
  errors: string[];
}

/** Checks each `*.openapi.yaml` and `*.asyncapi.yaml` document of `dir`. */
export async function checkSpecs(dir: string): Promise<SpecReport[]> {
  const files = (await readdir(dir)).filter((name) => /\.(openapi|asyncapi)\.ya?ml$/.test(name)).sort();
  // Callbacks authenticate in the body, and the license is named by SPDX id: both rules do not apply.
  const config = await createConfig({ extends: ["recommended"], rules: { "info-license-url": "off", "operation-4xx-response": "off" } });
  const parser = new Parser();
  const reports: SpecReport[] = [];
  for (const file of files) {
    const path = join(dir, file);
    if (file.includes(".openapi.")) {
      const problems = await lint({ ref: path, config });
      const errors = problems
        .filter((problem) => problem.severity === "error")
        .map((problem) => `${problem.location.map((location) => location.pointer).join(", ")}: ${problem.message} (${problem.ruleId})`);
      reports.push({ file, kind: "OpenAPI", errors });
      continue;
    }
    const { document, diagnostics } = await fromFile(parser, path).parse();
    // Severity 0 is an error in the Spectral diagnostics the parser returns.
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 0).map((d) => `/${d.path.join("/")}: ${d.message}`);
    if (!document && errors.length === 0) errors.push("the parser returned no document");
    reports.push({ file, kind: "AsyncAPI", errors });
  }
  return reports;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const reports = await checkSpecs(fileURLToPath(new URL("../openapi/", import.meta.url)));
  for (const { file, kind, errors } of reports) {
    for (const error of errors) console.error(`error: openapi/${file} ${error}`);
    console.log(`openapi/${file}: ${errors.length ? `${errors.length} error(s)` : `valid ${kind}`}`);
  }
  process.exitCode = reports.some((report) => report.errors.length) ? 1 : 0;
}
