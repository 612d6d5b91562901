import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { validateEvent } from "../../src/spec/validation.js";
import { verifyCallback } from "../../src/receiver/verify-callback.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/seeds/${name}`, import.meta.url), "utf8");

/** The ```json blocks of the Chinese document. */
const chineseExamples = [...fixture("whiteboard-push-events.zh.md").matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
/** The one-line examples of the English document, as published (missing a comma after EventData). */
const englishExamples = fixture("whiteboard-push-events.en.txt")
  .split("\n")
  .filter((line) => line.startsWith('{"EventData"'));
const restoreComma = (text: string) => text.replace('}"EventType"', '},"EventType"');

describe("the examples of Tencent's documents", () => {
  it("are found in both fixtures: one Started and one Stopped each", () => {
    expect(chineseExamples).toHaveLength(2);
    expect(englishExamples).toHaveLength(2);
  });

  it("English examples are not valid JSON as published", () => {
    for (const text of englishExamples) {
      expect(verifyCallback(text, { callbackKey: "Xz4ZgayTr7rMgWQrH" })).toMatchObject({ ok: false, reason: "malformed_json" });
    }
  });

  it.each([...chineseExamples, ...englishExamples.map(restoreComma)].map((text, index) => [index, text] as const))(
    "example %i validates against the schema once the comma is restored",
    (_, text) => {
      const result = validateEvent(JSON.parse(text));
      expect(result).toMatchObject({ ok: true });
    },
  );

  it("Chinese and repaired English examples carry the same data", () => {
    expect(englishExamples.map((text) => JSON.parse(restoreComma(text)))).toEqual(chineseExamples.map((text) => JSON.parse(text)));
  });

  it.each([...chineseExamples, ...englishExamples.map(restoreComma)].map((text, index) => [index, text] as const))(
    "example %i has a Sign that does not verify, even with the key of the official vector",
    (_, text) => {
      // `now` before ExpireTime, so the only thing wrong is the signature.
      const result = verifyCallback(text, { callbackKey: "Xz4ZgayTr7rMgWQrH", now: 1500000000 });
      expect(result).toMatchObject({ ok: false, reason: "bad_signature", status: 401 });
    },
  );
});
