/**
 * Ajv standalone code for the schemas of `openapi/schemas/`: validators compiled at build time, so
 * the package reads no schema file and compiles nothing at run time.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";

/** Base URI under which the schema files are registered, so their relative `$ref`s resolve. */
const schemaBase = "https://tiw-push-kit.local/schemas/";
const folders = ["", "api/", "kit/"];
const require = createRequire(import.meta.url);

/**
 * One ESM module exporting a validator per entry of `exported` (export name → schema file below
 * `openapi/schemas/`). `allErrors` reports every problem (callbacks); without it, the first one
 * (the Cloud API answers with one error code).
 */
export function validatorModule(schemasDir: string, exported: Record<string, string>, allErrors: boolean): string {
  const ajv = new Ajv2020({ allErrors, strict: true, allowUnionTypes: true, code: { source: true, esm: true, lines: false } });
  for (const folder of folders) {
    for (const file of readdirSync(join(schemasDir, folder)).filter((name) => name.endsWith(".json"))) {
      const schema: object = JSON.parse(readFileSync(join(schemasDir, folder, file), "utf8"));
      ajv.addSchema({ ...schema, $id: `${schemaBase}${folder}${file}` });
    }
  }
  const refs = Object.fromEntries(Object.entries(exported).map(([name, file]) => [name, `${schemaBase}${file}`]));
  const code = standaloneCode.default(ajv, refs);
  // Ajv's ESM output still `require`s its small runtime helpers: inline them, so the module runs
  // under Node's ESM loader and in any bundle without Ajv installed.
  const helpers = new Map<string, string>();
  const inlined = code.replace(/require\("(ajv\/dist\/runtime\/[a-z0-9]+)"\)\.default/gi, (_, path: string) => {
    const name = `runtime_${path.split("/").at(-1)}`;
    if (!helpers.has(name)) helpers.set(name, `const ${name} = ${String((require(path) as { default: (...args: unknown[]) => unknown }).default)};`);
    return name;
  });
  if (inlined.includes("require(")) throw new Error("tiw-push-kit: the generated validators still require a module");
  return [...helpers.values(), inlined.replace(/^"use strict";/, "")].join("\n");
}
