import type { EventType, WhiteboardPushEvent } from "../tiw/events.js";
import { eventValidators, type SchemaError } from "./validators.js";

/** One way in which a body breaks the spec, located by a JSON pointer into the body. */
export interface SchemaIssue {
  /** JSON pointer to the offending value, `""` for the body itself. */
  pointer: string;
  message: string;
}

export type SchemaResult =
  | { ok: true; event: WhiteboardPushEvent }
  | { ok: false; issues: SchemaIssue[] };

export const eventTypes = ["WhiteboardPushStarted", "WhiteboardPushStopped"] as const satisfies readonly EventType[];

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
  const validate = eventValidators[eventType];
  if (validate(body)) return { ok: true, event: body as WhiteboardPushEvent };
  return { ok: false, issues: (validate.errors ?? []).map(toIssue) };
}

function toIssue(error: SchemaError): SchemaIssue {
  if (error.keyword === "required") {
    const missing = String(error.params.missingProperty);
    return { pointer: `${error.instancePath}/${missing}`, message: "is required but missing" };
  }
  const allowed = error.keyword === "enum" ? `: ${(error.params.allowedValues as unknown[]).join(", ")}` : "";
  return { pointer: error.instancePath, message: `${error.message ?? "is invalid"}${allowed}` };
}
