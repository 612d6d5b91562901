/**
 * The one registry of validators: Ajv standalone code compiled from `openapi/schemas/` at build
 * time (`npm run gen`, drift-checked by `npm test`), so nothing reads or compiles a schema at run time.
 */
import * as eventCode from "../generated/event-validators.js";
import * as requestCode from "../generated/request-validators.js";
import type { EventType } from "../tiw/events.js";

/** One problem Ajv found, located by a JSON pointer into the data. */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export type Validator = ((data: unknown) => boolean) & { errors?: SchemaError[] | null };

/** Every request body a schema describes: the Cloud API actions and the stand-in's control surface. */
export const requestSchemas = [
  "SetWhiteboardPushCallbackRequest",
  "SetWhiteboardPushCallbackKeyRequest",
  "DescribeWhiteboardPushCallbackRequest",
  "StartWhiteboardPushRequest",
  "StopWhiteboardPushRequest",
  "DescribeWhiteboardPushRequest",
  "KitAdvanceRequest",
  "KitExceptionRequest",
  "KitNewTask",
  "KitChaosRequest",
  "KitSettingsRequest",
] as const satisfies readonly (keyof typeof requestCode)[];
export type RequestSchema = (typeof requestSchemas)[number];

/** Reports every problem of a callback body. */
export const eventValidators: Record<EventType, Validator> = {
  WhiteboardPushStarted: eventCode.WhiteboardPushStarted as Validator,
  WhiteboardPushStopped: eventCode.WhiteboardPushStopped as Validator,
};

/** Reports the first problem of a request body (the Cloud API answers with one error code). */
export function requestValidator(schema: RequestSchema): Validator {
  return requestCode[schema] as Validator;
}
