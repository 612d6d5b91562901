import { requestValidator, type SchemaError } from "../../spec/validators.js";
import { KitControlError } from "../kit-control-error.js";
import type { components } from "../../generated/api.js";
import type { KitAdvanceRequest, KitChaosRequest, KitExceptionRequest, KitNewTask } from "../types.js";

// Here rather than with the other Kit types in ../types.ts: only the control surface reads it.
export type KitSettingsRequest = components["schemas"]["KitSettingsRequest"];

interface KitRequests {
  KitAdvanceRequest: KitAdvanceRequest;
  KitExceptionRequest: KitExceptionRequest;
  KitNewTask: KitNewTask;
  KitChaosRequest: KitChaosRequest;
  KitSettingsRequest: KitSettingsRequest;
}

/**
 * A control-surface body checked against its schema in `openapi/schemas/kit/`, typed; a bad one
 * is a 400 naming the first problem. Used by `/_kit/` and by `createTiwApi`'s library methods alike.
 */
export function kitRequest<S extends keyof KitRequests>(schema: S, body: unknown): KitRequests[S] {
  const validate = requestValidator(schema);
  if (validate(body)) return body as KitRequests[S];
  const [first] = validate.errors ?? [];
  throw new KitControlError(400, "bad_request", first ? problemOf(first) : "the body is not valid");
}

/** The one mapping from a schema problem to the control surface's message. */
function problemOf(error: SchemaError): string {
  const field = error.instancePath.split("/").slice(1).join(".");
  const under = (name: unknown) => (field ? `${field}.${String(name)}` : String(name));
  switch (error.keyword) {
    case "additionalProperties":
      return `unknown field ${under(error.params.additionalProperty)}`;
    case "required":
      return `missing field ${under(error.params.missingProperty)}`;
    case "enum":
      return `${field} must be one of ${(error.params.allowedValues as unknown[]).join(", ")}`;
    default:
      return `${field || "the body"} ${error.message ?? "is not valid"}`;
  }
}
