/** The `tiw-push-kit/msw` entry: MSW handlers for TIW's whiteboard push API. */
export { createTiwHandlers, tiwEndpoints } from "./create-tiw-handlers.js";
export { createTiwApi } from "../src/stand-in/http/tiw-api.js";

export type { TiwHandlers, TiwHandlersOptions } from "./create-tiw-handlers.js";
export type { TiwApi, TiwApiOptions } from "../src/stand-in/http/tiw-api.js";
export type { TaskTrigger } from "../src/stand-in/stand-in-types.js";
