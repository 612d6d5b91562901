import type { KitProblem } from "./types.js";

/** A control request that cannot be done: unknown id (404), wrong task state (409) or a bad body (400). */
export class KitControlError extends Error {
  constructor(
    readonly status: 400 | 404 | 405 | 409,
    readonly problem: KitProblem["error"],
    readonly detail: string,
  ) {
    super(`tiw-push-kit: ${detail}`);
    this.name = "KitControlError";
  }
}
