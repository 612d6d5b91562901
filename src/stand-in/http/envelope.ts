import { randomUUID } from "node:crypto";
import type { ApiError } from "../types.js";
import { jsonResponse } from "../../tiw/json-response.js";

/** Cloud API v3 answers everything, errors included, with HTTP 200 and `{"Response": {...}}`. */
export function envelope(fields: object): Response {
  return jsonResponse({ Response: { ...fields, RequestId: randomUUID() } });
}

export function errorEnvelope(error: ApiError): Response {
  return envelope({ Error: error });
}
