import { verifyCallback, type VerifyFailure } from "../../receiver/verify-callback.js";
import { validateEvent, type SchemaIssue } from "../../spec/validation.js";
import { callbackKeyOption, defineCommand, intValue, jsonOption, sdkAppIdOption, write } from "../shared/command.js";
import { readSource, splitRecords } from "../shared/input.js";

interface Finding {
  location: string;
  valid: boolean;
  reason?: VerifyFailure["reason"];
  message?: string;
  issues?: SchemaIssue[];
}

export const validateCommand = defineCommand({
  usage: "validate [FILE...|-] [--key KEY] [--sdk-app-id ID] [--now UNIX] [--json]",
  description: [
    "Reads each FILE (or standard input, `-`, the default): one JSON body, a JSON array of bodies, JSON Lines",
    "(one body per line) or JSON objects written one after another (pretty-printed, as pasted from a log).",
    "Reports every invalid body with its file and line and the JSON pointer of each problem. With --key it",
    "also checks Sign and that ExpireTime is not before --now; with --sdk-app-id, with or without a key,",
    "that the SdkAppId is yours. Exits 1 when any body is invalid.",
  ].join("\n"),
  maxPositionals: 1000,
  options: {
    key: { ...callbackKeyOption, description: "Also verify Sign with this callback key" },
    "sdk-app-id": { ...sdkAppIdOption, description: "Also reject bodies of any other SdkAppId" },
    now: { type: "string", valueName: "UNIX", description: "Time against which ExpireTime is checked", defaultText: "the current time" },
    json: jsonOption,
  },
  examples: [
    "tiw-push-kit generate --count 5 --key k | tiw-push-kit validate --key k",
    "tiw-push-kit validate captured.jsonl --json",
  ],
  async run({ values, positionals, io }) {
    const sources = positionals.length > 0 ? positionals : ["-"];
    const records = [];
    for (const source of sources) records.push(...splitRecords(await readSource(source, io), source === "-" ? "stdin" : source));
    const sdkAppId = intValue("sdk-app-id", values["sdk-app-id"], { min: 1 });
    const now = intValue("now", values.now, { min: 0 });
    const key = values.key;

    const findings: Finding[] = records.map(({ location, raw, parseError }) => {
      if (parseError !== undefined) return { location, valid: false, reason: "malformed_json", message: `not valid JSON: ${parseError}` };
      if (key !== undefined) {
        const result = verifyCallback(raw, { callbackKey: key, sdkAppId, now });
        return result.ok ? { location, valid: true } : { location, valid: false, reason: result.reason, message: result.message, issues: result.issues };
      }
      const result = validateEvent(JSON.parse(raw));
      if (!result.ok) return { location, valid: false, reason: "schema", issues: result.issues };
      if (sdkAppId !== undefined && result.event.SdkAppId !== sdkAppId) return { location, valid: false, reason: "wrong_app", message: `SdkAppId ${result.event.SdkAppId} is not ${sdkAppId}` };
      return { location, valid: true };
    });
    const invalid = findings.filter((finding) => !finding.valid);

    if (values.json) {
      await write(io.stdout, JSON.stringify({ total: findings.length, valid: findings.length - invalid.length, invalid: invalid.length, findings: invalid }) + "\n");
    } else {
      for (const finding of invalid) {
        const details = finding.issues?.map((issue) => `\n  ${issue.pointer || "/"} ${issue.message}`).join("") ?? "";
        await write(io.stdout, `${finding.location}: invalid (${finding.reason})${finding.message && !details ? `: ${finding.message}` : ""}${details}\n`);
      }
      const checked = key === undefined ? "schema" : "schema and signature";
      await write(io.stderr, `${findings.length} checked (${checked}): ${findings.length - invalid.length} valid, ${invalid.length} invalid\n`);
    }
    if (findings.length === 0) {
      await write(io.stderr, `tiw-push-kit: no callback bodies found in ${sources.map((source) => (source === "-" ? "standard input" : source)).join(", ")}\n`);
      return 1;
    }
    return invalid.length ? 1 : 0;
  },
});
