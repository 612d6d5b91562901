import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { packageRoot } from "../../spec/package-root.js";
import { TiwApiError } from "../tiw-api-error.js";
import { actions, type Action, type RequestOf } from "../types.js";

/** Same base as the callback schemas, so `../RoomId.json` in `api/` resolves to the shared file. */
const schemaBase = "https://tiw-push-kit.local/schemas/";

let validators: Map<Action, ValidateFunction> | undefined;

/** Compiles the request schemas of `openapi/schemas/api/` once, on first use. */
function compiledValidators(): Map<Action, ValidateFunction> {
  if (validators) return validators;
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
  const root = join(packageRoot(), "openapi", "schemas");
  for (const folder of ["", "api/"]) {
    for (const file of readdirSync(join(root, folder)).filter((name) => name.endsWith(".json"))) {
      const schema: object = JSON.parse(readFileSync(join(root, folder, file), "utf8"));
      ajv.addSchema({ ...schema, $id: `${schemaBase}${folder}${file}` });
    }
  }
  validators = new Map(
    actions.map((action) => {
      const validate = ajv.getSchema(`${schemaBase}api/${action}Request.json`);
      if (!validate) throw new Error(`tiw-push-kit: openapi/schemas/api/${action}Request.json is missing`);
      return [action, validate];
    }),
  );
  return validators;
}

/**
 * Checks a parsed request body against the action's request schema and returns it typed; throws
 * a `TiwApiError` with the code Tencent gives for the first problem found.
 */
export function checkParameters<A extends Action>(action: A, body: unknown): RequestOf<A> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new TiwApiError("InvalidParameter", "The request body must be a JSON object.");
  }
  const validate = compiledValidators().get(action);
  if (!validate) throw new TiwApiError("InvalidAction", `The action \`${action}\` is not found.`);
  if (validate(body)) return body as RequestOf<A>;
  const [first] = validate.errors ?? [];
  throw first ? toApiError(first, body) : new TiwApiError("InvalidParameter", "The request parameters are not valid.");
}

function toApiError(error: ErrorObject, body: object): TiwApiError {
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
