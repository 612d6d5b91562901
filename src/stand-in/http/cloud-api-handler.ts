import { BodyTooLargeError, readBody } from "../../receiver/read-body.js";
import type { FetchHandler } from "../../tiw/fetch-handler.js";
import type { StandIn } from "../stand-in-types.js";
import { TiwApiError } from "../tiw-api-error.js";
import { apiVersion, isAction, type Action } from "../types.js";
import { actionHandlers } from "./actions.js";
import { envelope, errorEnvelope } from "./envelope.js";
import { checkParameters } from "./parameters.js";
import { createRateLimiter } from "./rate-limiter.js";
import { verifyTc3, type Tc3Credentials } from "./tc3.js";

export interface CloudApiOptions {
  /** Verify TC3-HMAC-SHA256 signatures with this key pair; without it any signature is accepted. */
  credentials?: Tc3Credentials;
  /** Calls per second and action before `RequestLimitExceeded`; null turns it off. */
  rateLimit: number | null;
  /** Largest request body in bytes; larger ones get `RequestSizeLimitExceeded`. */
  maxBodyBytes: number;
  /** The real clock in Unix milliseconds, for TC3 skew and the rate limit. */
  wallClock: () => number;
  /** DescribeWhiteboardPushCallback answers the callback key in full (else masked): true when TC3 authenticates callers. */
  revealSecrets: boolean;
  /** Told of each call whose parameters match its action's schema, before it runs (whatever its outcome). */
  onCall?: (action: Action, parameters: object) => void;
}

/**
 * TIW's push Cloud API v3 (`POST /`, the action in `X-TC-Action`) over the stand-in: headers,
 * body limit, TC3 signature, rate limit and the request schema are checked here, then the action
 * runs on the domain. Every failure is answered in Tencent's shape, in one place.
 */
export function createCloudApiHandler(standIn: StandIn, options: CloudApiOptions): FetchHandler {
  const { rateLimit, maxBodyBytes, wallClock } = options;
  const limiter = rateLimit === null ? undefined : createRateLimiter(rateLimit, wallClock);

  async function callAction(request: Request): Promise<object> {
    if (request.method !== "POST") throw new TiwApiError("UnsupportedOperation", `The method ${request.method} is not supported: call actions with POST and a JSON body.`);
    const action = request.headers.get("x-tc-action");
    if (!action) throw new TiwApiError("MissingParameter", "The request is missing a required parameter `X-TC-Action`.");
    if (!isAction(action)) throw new TiwApiError("InvalidAction", `The action \`${action}\` is not found for TIW whiteboard push.`);
    const version = request.headers.get("x-tc-version");
    if (!version) throw new TiwApiError("MissingParameter", "The request is missing a required parameter `X-TC-Version`.");
    if (version !== apiVersion) throw new TiwApiError("NoSuchVersion", `The API version \`${version}\` does not exist; TIW's is ${apiVersion}.`);
    let body: Uint8Array;
    try {
      body = await readBody(request, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw new TiwApiError("RequestSizeLimitExceeded", `The request body exceeds the limit of ${maxBodyBytes} bytes.`);
      throw error;
    }
    if (options.credentials) {
      verifyTc3({ method: request.method, url: new URL(request.url), headers: request.headers, body }, options.credentials, Math.floor(wallClock() / 1000));
    }
    if (limiter && !limiter.take(action)) {
      throw new TiwApiError("RequestLimitExceeded", `Your requests of \`${action}\` exceed the limit of ${rateLimit} per second.`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(body));
    } catch (error) {
      throw new TiwApiError("InvalidParameter", `The request body is not valid JSON: ${(error as Error).message}`);
    }
    return run(action, parsed);
  }

  function run<A extends Action>(action: A, body: unknown): object {
    const parameters = checkParameters(action, body);
    options.onCall?.(action, parameters);
    if (parameters.SdkAppId !== standIn.sdkAppId) {
      throw new TiwApiError("UnauthorizedOperation.SdkAppId", `The SdkAppId ${parameters.SdkAppId} is not authorized: this stand-in serves ${standIn.sdkAppId}.`);
    }
    return actionHandlers[action](parameters, { standIn, revealSecrets: options.revealSecrets });
  }

  return async (request) => {
    // The one place where failures become Tencent's error shape.
    try {
      return envelope(await callAction(request));
    } catch (error) {
      if (error instanceof TiwApiError) return errorEnvelope({ Code: error.code, Message: error.detail });
      // Tencent's shape, without the internal message: a response body never carries one.
      return errorEnvelope({ Code: "InternalError", Message: "An internal error occurred." });
    }
  };
}
