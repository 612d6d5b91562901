import type { FetchHandler } from "../../tiw/fetch-handler.js";
import type { StandIn, StandInOptions } from "../stand-in-types.js";
import { TiwApiError } from "../tiw-api-error.js";
import { createCloudApiHandler } from "./cloud-api-handler.js";
import { createControlSurface, kitPrefix } from "./control-handler.js";
import { createApiCallLog } from "./api-call-log.js";
import { kitRequest } from "./kit-request.js";
import { requestValidator } from "../../spec/validators.js";
import { checkCallbackScheme, createStandIn } from "../stand-in.js";
import { mask } from "../mask.js";
import { defaultRateLimit } from "./rate-limiter.js";
import type { Tc3Credentials } from "./tc3.js";
import { defaultSdkAppId } from "../../tiw/defaults.js";

export interface TiwApiOptions extends StandInOptions {
  /** Verify TC3-HMAC-SHA256 signatures with this key pair; without it any signature is accepted. */
  credentials?: Tc3Credentials;
  /** Calls per second and action before `RequestLimitExceeded` (default 20, Tencent's); false turns it off. */
  rateLimit?: number | false;
  /** Largest request body in bytes (default 1 MiB); larger ones get `RequestSizeLimitExceeded`. */
  maxBodyBytes?: number;
  /**
   * DescribeWhiteboardPushCallback answers the callback key in full. Default: only when
   * `credentials` authenticate the caller; without them anyone on the machine could read it.
   */
  revealCallbackKey?: boolean;
}

/** The stand-in's domain with its HTTP face: the Cloud API (`POST /`) and the control surface (`/_kit/...`) as one fetch handler. */
export interface TiwApi extends StandIn {
  fetch: FetchHandler;
}

const defaultMaxBodyBytes = 1024 * 1024;

/**
 * A stand-in for TIW's whiteboard push API: Cloud API v3 over a task state machine whose
 * callbacks go through the delivery engine. One `(Request) => Promise<Response>` that runs under
 * `serve` (Node HTTP), inside MSW, or called directly; the domain's methods are checked against
 * the same schemas as the control surface's bodies.
 *
 * @example
 * const tiw = createTiwApi({ callback: "http://127.0.0.1:3000/callback", callbackKey: "my-key", timeScale: 0 });
 * await tiw.fetch(new Request("http://tiw.test/", { method: "POST", headers: { "X-TC-Action": "StartWhiteboardPush", "X-TC-Version": "2019-09-19" }, body }));
 * tiw.advance(1); // PUSHING: WhiteboardPushStarted is delivered
 */
export function createTiwApi(options: TiwApiOptions = {}): TiwApi {
  const { credentials, maxBodyBytes = defaultMaxBodyBytes, revealCallbackKey = credentials !== undefined, ...standInOptions } = options;
  const rateLimit = options.rateLimit === false ? null : (options.rateLimit ?? defaultRateLimit);
  const wallClock = options.wallClock ?? Date.now;
  checkStartSettings(options);
  const standIn = createStandIn(standInOptions, {
    signatureVerification: credentials !== undefined,
    secretId: credentials ? mask(credentials.secretId) : null,
    rateLimit,
  });
  const apiCalls = createApiCallLog(wallClock);
  const cloudApi = createCloudApiHandler(standIn, {
    ...(credentials ? { credentials } : {}),
    rateLimit,
    maxBodyBytes,
    wallClock,
    revealSecrets: revealCallbackKey,
    onCall: (action, parameters) => apiCalls.record(action, parameters),
  });
  const control = createControlSurface(standIn, apiCalls);
  return {
    ...standIn,
    fetch: async (request) => {
      const url = new URL(request.url);
      if (url.pathname === kitPrefix || url.pathname.startsWith(`${kitPrefix}/`)) return control.handle(request, url);
      return cloudApi(request);
    },
    advance: (seconds) => standIn.advance(kitRequest("KitAdvanceRequest", { seconds }).seconds ?? 0),
    createTask: (request = {}) => standIn.createTask(kitRequest("KitNewTask", request)),
    injectException: (taskId, fault = {}) => standIn.injectException(taskId, kitRequest("KitExceptionRequest", fault)),
    sendChaosBurst: (request = {}) => standIn.sendChaosBurst(kitRequest("KitChaosRequest", request)),
    async close() {
      control.close();
      await standIn.close();
    },
  };
}

/** The callback key and URL given at start obey the same schemas as SetWhiteboardPushCallback(Key); the message never shows the key. */
function checkStartSettings(options: TiwApiOptions): void {
  const SdkAppId = options.sdkAppId ?? defaultSdkAppId;
  const checks = [
    ["callbackKey", options.callbackKey, "SetWhiteboardPushCallbackKeyRequest", { SdkAppId, CallbackKey: options.callbackKey }],
    ["callback", options.callback, "SetWhiteboardPushCallbackRequest", { SdkAppId, Callback: options.callback }],
  ] as const;
  for (const [name, given, schema, body] of checks) {
    if (given === undefined) continue;
    const validate = requestValidator(schema);
    if (!validate(body)) throw new RangeError(`tiw-push-kit: ${name} ${validate.errors?.[0]?.message ?? "is not valid"}`);
  }
  if (options.callback) {
    // The URL scheme is checked where TIW checks it, with its error code; said here as a start-up error.
    try {
      checkCallbackScheme(options.callback);
    } catch (error) {
      if (error instanceof TiwApiError) throw new RangeError(`tiw-push-kit: ${error.detail}`, { cause: error });
      throw error;
    }
  }
}
