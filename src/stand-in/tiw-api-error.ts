/**
 * A failed Cloud API call. The stand-in's one top-level catch turns it into Tencent's shape:
 * HTTP 200 `{"Response": {"Error": {"Code": code, "Message": detail}, "RequestId": ...}}`.
 *
 * @example
 * throw new TiwApiError("InvalidParameter.TaskNotFound", "The task `abc` does not exist.");
 */
export class TiwApiError extends Error {
  constructor(
    /** Tencent's error code, e.g. `InvalidParameter.TaskNotFound`. */
    readonly code: string,
    /** What the client reads as `Response.Error.Message`. */
    readonly detail: string,
  ) {
    super(`tiw-push-kit: ${code}: ${detail}`);
    this.name = "TiwApiError";
  }
}
