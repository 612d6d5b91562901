import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { validateEvent } from "../../src/spec/validation.js";
import { verifyCallback } from "../../src/receiver/verify-callback.js";

const openapiDir = new URL("../../openapi/", import.meta.url);
const callbacksDoc = parse(readFileSync(new URL("tiw-push-callbacks.openapi.yaml", openapiDir), "utf8")) as {
  components: { examples: Record<string, { value: { ExpireTime: number } }> };
  webhooks: Record<string, unknown>;
};
const asyncapiText = readFileSync(new URL("tiw-push-callbacks.asyncapi.yaml", openapiDir), "utf8");
const exampleKey = "Xz4ZgayTr7rMgWQrH";

describe("the OpenAPI document", () => {
  it("describes both callbacks under webhooks", () => {
    expect(Object.keys(callbacksDoc.webhooks).sort()).toEqual(["WhiteboardPushStarted", "WhiteboardPushStopped"]);
  });

  it.each(Object.entries(callbacksDoc.components.examples))("example %s is valid and really signed with the example key", (_, example) => {
    const body = JSON.stringify(example.value);
    expect(validateEvent(example.value)).toMatchObject({ ok: true });
    expect(verifyCallback(body, { callbackKey: exampleKey, sdkAppId: 1400000001, now: example.value.ExpireTime })).toMatchObject({ ok: true });
  });
});

describe("the AsyncAPI document", () => {
  it("references the schema files instead of repeating them", () => {
    expect(asyncapiText).toContain("$ref: ./schemas/WhiteboardPushStarted.json");
    expect(asyncapiText).toContain("$ref: ./schemas/WhiteboardPushStopped.json");
    expect(asyncapiText).not.toMatch(/\n\s+properties:/);
  });
});

describe("the schema files", () => {
  const schemaFiles = readdirSync(new URL("schemas/", openapiDir)).filter((name) => name.endsWith(".json"));
  const allDocs = readdirSync(openapiDir)
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => readFileSync(new URL(name, openapiDir), "utf8"))
    .concat(schemaFiles.map((name) => readFileSync(new URL(`schemas/${name}`, openapiDir), "utf8")));

  it.each(schemaFiles)("%s is used by a document", (file) => {
    expect(allDocs.some((text) => text.includes(`./${file}`) || text.includes(`./schemas/${file}`))).toBe(true);
  });

  it.each(schemaFiles)("%s describes itself in English and Chinese", (file) => {
    const text = readFileSync(new URL(`schemas/${file}`, openapiDir), "utf8");
    const description = (JSON.parse(text) as { description?: string }).description ?? "";
    expect(description).toMatch(/[a-z]{3,}/);
    expect(description).toMatch(/[\u4e00-\u9fff]/);
  });
});
