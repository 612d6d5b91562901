import { requestValidator, type SchemaError } from "../../spec/validators.js";
import { TiwApiError } from "../tiw-api-error.js";
import type { Action, RequestOf } from "../types.js";

/**
 * Checks a parsed request body against the action's request schema and returns it typed; throws
 * a `TiwApiError` with the code Tencent gives for the first problem found.
 */
export function checkParameters<A extends Action>(action: A, body: unknown): RequestOf<A> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new TiwApiError("InvalidParameter", "The request body must be a JSON object.");
  }
  const validate = requestValidator(`${action}Request`);
  if (validate(body)) return body as RequestOf<A>;
  const [first] = validate.errors ?? [];
  throw first ? toApiError(first, body) : new TiwApiError("InvalidParameter", "The request parameters are not valid.");
}

/** The one mapping from a schema problem to Tencent's error codes. */
function toApiError(error: SchemaError, body: object): TiwApiError {
  const at = error.instancePath.split("/").slice(1).map(unescapePointer);
  const name = at.join(".");
  switch (error.keyword) {
    case "required":
      return new TiwApiError("MissingParameter", `The request is missing a required parameter \`${[...at, String(error.params.missingProperty)].join(".")}\`.`);
    case "additionalProperties":
      return new TiwApiError("UnknownParameter", `The parameter \`${[...at, String(error.params.additionalProperty)].join(".")}\` is not recognized.`);
    case "type":
      return new TiwApiError("InvalidParameter.BodyParameterTypeUnmatched", `The parameter \`${name}\` must be of type ${String(error.params.type)}.`);
    default:
      return new TiwApiError("InvalidParameterValue", `The value ${JSON.stringify(valueAt(body, at))} of parameter \`${name}\` is not valid: it ${error.message ?? "is out of range"}.`);
  }
}

function valueAt(body: object, path: string[]): unknown {
  return path.reduce<unknown>((value, key) => (typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined), body);
}

function unescapePointer(segment: string): string {
  return segment.replaceAll("~1", "/").replaceAll("~0", "~");
}
