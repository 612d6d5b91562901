/**
 * Validates every document in `openapi/` with real parsers: Redocly's OpenAPI linter (the engine of
 * `redocly lint`) for OpenAPI 3.1 and `@asyncapi/parser` for AsyncAPI 3. Exits 1 on any error.
 */
import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { Parser, fromFile } from "@asyncapi/parser";
import { createConfig, lint } from "@redocly/openapi-core";

const root = new URL("../openapi/", import.meta.url);
const files = (await readdir(root)).filter((name) => /\.(openapi|asyncapi)\.ya?ml$/.test(name));
let failed = 0;

const config = await createConfig({ extends: ["recommended"], rules: { "info-license-url": "off", "operation-4xx-response": "off" } });
for (const file of files.filter((name) => name.includes(".openapi."))) {
  const problems = await lint({ ref: fileURLToPath(new URL(file, root)), config });
  const errors = problems.filter((problem) => problem.severity === "error");
  for (const problem of problems) {
    const where = problem.location.map((location) => location.pointer).join(", ");
    console.error(`${problem.severity}: openapi/${file} ${where}: ${problem.message} (${problem.ruleId})`);
  }
  failed += errors.length;
  console.log(`openapi/${file}: ${errors.length ? `${errors.length} error(s)` : "valid OpenAPI"}`);
}

const parser = new Parser();
for (const file of files.filter((name) => name.includes(".asyncapi."))) {
  const path = fileURLToPath(new URL(file, root));
  const { document, diagnostics } = await fromFile(parser, path).parse();
  // Severity 0 is an error in the Spectral diagnostics the parser returns.
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 0);
  for (const diagnostic of diagnostics.filter((d) => d.severity <= 1)) {
    console.error(`${diagnostic.severity === 0 ? "error" : "warning"}: openapi/${file} /${diagnostic.path.join("/")}: ${diagnostic.message}`);
  }
  if (!document) failed += Math.max(errors.length, 1);
  else failed += errors.length;
  console.log(`openapi/${file}: ${document && !errors.length ? `valid AsyncAPI ${document.version()}` : "invalid"}`);
}

process.exitCode = failed ? 1 : 0;
