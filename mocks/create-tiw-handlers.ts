import { http, type HttpHandler } from "msw";
import { createTiwApi, type TiwApi, type TiwApiOptions } from "../src/stand-in/http/tiw-api.js";

/** Tencent's endpoints of the TIW API, China and international. */
export const tiwEndpoints = ["https://tiw.tencentcloudapi.com", "https://tiw.intl.tencentcloudapi.com"] as const;

export interface TiwHandlersOptions extends TiwApiOptions {
  /** Serve this stand-in instead of creating one from the other options. */
  api?: TiwApi;
  /** Origins to intercept (default both of Tencent's endpoints). */
  endpoints?: readonly string[];
}

/** MSW handlers for the stand-in, with the stand-in itself as `api` to advance its clock or inspect tasks. */
export interface TiwHandlers extends Array<HttpHandler> {
  api: TiwApi;
}

/**
 * MSW request handlers that answer TIW's whiteboard push API (and the `/_kit/` control surface)
 * on Tencent's endpoints with the kit's stand-in. Its callbacks go out through the global `fetch`,
 * so they reach a real local receiver, or another MSW handler; or pass `callbackHandler` to
 * deliver them to an in-process receiver.
 *
 * @example
 * const tiw = createTiwHandlers({ callbackHandler: receiver.fetch, callback: "https://backend.test/tiw", timeScale: 0 });
 * const server = setupServer(...tiw);
 * server.listen();
 * // ... your code calls https://tiw.tencentcloudapi.com/ ...
 * tiw.api.advance(1800);
 */
export function createTiwHandlers(options: TiwHandlersOptions = {}): TiwHandlers {
  // Callbacks go through the global fetch, looked up at each call, so that MSW sees them too.
  const { api = createTiwApi({ fetch: (input, init) => globalThis.fetch(input, init), ...options }), endpoints = tiwEndpoints } = options;
  const origins = new Set(endpoints.map((endpoint) => new URL(endpoint).origin));
  const handler = http.all(({ request }) => origins.has(new URL(request.url).origin), ({ request }) => api.fetch(request));
  return Object.assign([handler], { api });
}
