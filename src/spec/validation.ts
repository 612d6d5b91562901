import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import type { EventType, WhiteboardPushEvent } from "../tiw/events.js";
import { packageRoot } from "./package-root.js";

/** One way in which a body breaks the spec, located by a JSON pointer into the body. */
export interface SchemaIssue {
  /** JSON pointer to the offending value, `""` for the body itself. */
  pointer: string;
  message: string;
}

export type SchemaResult =
  | { ok: true; event: WhiteboardPushEvent }
  | { ok: false; issues: SchemaIssue[] };

/** Base URI under which the schema files are registered, so their relative `$ref`s resolve. */
const schemaBase = "https://tiw-push-kit.local/schemas/";

export const eventTypes = ["WhiteboardPushStarted", "WhiteboardPushStopped"] as const satisfies readonly EventType[];

let validators: Record<EventType, ValidateFunction> | undefined;

/** Compiles the schema files of `openapi/schemas/` once, on first use. */
function compiledValidators(): Record<EventType, ValidateFunction> {
  if (validators) return validators;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const dir = join(packageRoot(), "openapi", "schemas");
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".json"))) {
    const schema: object = JSON.parse(readFileSync(join(dir, file), "utf8"));
    ajv.addSchema({ ...schema, $id: schemaBase + file });
  }
  const compile = (eventType: EventType) => {
    const validate = ajv.getSchema(`${schemaBase}${eventType}.json`);
    if (!validate) throw new Error(`tiw-push-kit: openapi/schemas/${eventType}.json is missing`);
    return validate;
  };
  validators = { WhiteboardPushStarted: compile("WhiteboardPushStarted"), WhiteboardPushStopped: compile("WhiteboardPushStopped") };
  return validators;
}

export function isEventType(value: unknown): value is EventType {
  return typeof value === "string" && (eventTypes as readonly string[]).includes(value);
}

/**
 * Validates a parsed callback body against the schema of its `EventType`.
 *
 * @example
 * const result = validateEvent(JSON.parse(body));
 * if (!result.ok) console.error(result.issues);
 */
export function validateEvent(body: unknown): SchemaResult {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, issues: [{ pointer: "", message: "must be a JSON object" }] };
  }
  const eventType: unknown = (body as Record<string, unknown>).EventType;
  if (!isEventType(eventType)) {
    const message =
      eventType === undefined
        ? "must have required property 'EventType'"
        : `must be one of ${eventTypes.join(", ")} (got ${JSON.stringify(eventType)})`;
    return { ok: false, issues: [{ pointer: eventType === undefined ? "" : "/EventType", message }] };
  }
  const validate = compiledValidators()[eventType];
  if (validate(body)) return { ok: true, event: body as WhiteboardPushEvent };
  return { ok: false, issues: (validate.errors ?? []).map(toIssue) };
}

function toIssue(error: ErrorObject): SchemaIssue {
  if (error.keyword === "required") {
    const missing = String(error.params.missingProperty);
    return { pointer: `${error.instancePath}/${missing}`, message: "is required but missing" };
  }
  const allowed = error.keyword === "enum" ? `: ${(error.params.allowedValues as unknown[]).join(", ")}` : "";
  return { pointer: error.instancePath, message: `${error.message ?? "is invalid"}${allowed}` };
}
