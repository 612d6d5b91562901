import type { KitApiCall } from "../types.js";

export interface ApiCallLog {
  record(action: string, parameters: object): void;
  /** Oldest first; only the calls about `taskId` when given. */
  list(taskId?: string): KitApiCall[];
}

/** The newest calls kept; older ones are forgotten, so a long-running stand-in stays small. */
export const keptApiCalls = 1000;

/**
 * The Cloud API calls the stand-in answered, so a test can tell whether a receiver asked TIW about
 * a task (TIW's FAQ: poll DescribeWhiteboardPush when a callback does not arrive).
 */
export function createApiCallLog(wallClock: () => number): ApiCallLog {
  const calls: KitApiCall[] = [];
  return {
    record(action, parameters) {
      const taskId = (parameters as { TaskId?: unknown }).TaskId;
      calls.push({ Action: action, ...(typeof taskId === "string" ? { TaskId: taskId } : {}), At: wallClock() });
      if (calls.length > keptApiCalls) calls.shift();
    },
    list: (taskId) => (taskId === undefined ? [...calls] : calls.filter((call) => call.TaskId === taskId)),
  };
}
