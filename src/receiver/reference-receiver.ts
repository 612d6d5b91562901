/**
 * A reference receiver for TIW whiteboard push callbacks, written to be copied into your backend.
 * It is a `(Request) => Promise<Response>` handler, so it runs on Node (see `src/server/node.ts`),
 * Deno, Bun or inside tests without a network: anywhere `node:crypto` gives MD5, which WebCrypto lacks.
 *
 * What it does, and why:
 * - verifies every callback with `verifyCallback` (schema, Sign in constant time, ExpireTime, SdkAppId;
 *   with `unsigned: true`, for an app without a callback key, schema and SdkAppId only);
 * - answers 200 `{"error_code":0}` to valid events, 400 to malformed bodies, 401 to a missing, wrong or
 *   expired signature, 403 to a foreign SdkAppId, 413 to oversized bodies;
 * - is idempotent: TIW's retry policy is undocumented, so a callback may come twice; the same
 *   `TaskId` + `EventType` is acknowledged again but applied once;
 * - accepts a Stopped that arrives before its Started (ordering is not guaranteed either);
 * - keeps per-task state, readable at `GET /tasks` and `GET /tasks/{TaskId}`.
 */
import { createVerifier, defaultMaxBodyBytes, type VerifierOptions } from "./verify-callback.js";
import { BodyTooLargeError, readBody } from "./read-body.js";
import type { FinishReason, WhiteboardPushError, WhiteboardPushEvent } from "../tiw/events.js";
import { jsonResponse } from "../tiw/json-response.js";

export interface TaskState {
  TaskId: string;
  RoomId: number;
  /** `PUSHING` once Started was received; `STOPPED` once Stopped was, whatever the order. */
  Status: "PUSHING" | "STOPPED";
  PushUserId: string;
  PushStartTime: number;
  GroupId?: string;
  FinishReason?: FinishReason;
  PushStopTime?: number;
  ExceptionCnt?: number;
  Error?: WhiteboardPushError;
  /** Whether the Started callback has been received (it may come after the Stopped one). */
  StartedReceived: boolean;
  /** Deliveries received per event type, duplicates included. */
  Received: { WhiteboardPushStarted: number; WhiteboardPushStopped: number };
}

export type ReceiverOptions = VerifierOptions & {
  /**
   * Hardening: confirm a verified callback with TIW before applying it, for example with
   * `DescribeWhiteboardPush`, since the body itself is not signed. Return false to reject with 409.
   */
  confirm?: (event: WhiteboardPushEvent) => Promise<boolean>;
  /** Called for each verified event, duplicates included (`duplicate` tells them apart). */
  onEvent?: (event: WhiteboardPushEvent, info: { duplicate: boolean }) => void;
  /** Called for each rejected request with the reason, for logging. */
  onReject?: (reason: string, message: string) => void;
};

export interface Receiver {
  fetch: (request: Request) => Promise<Response>;
  tasks: ReadonlyMap<string, TaskState>;
}

const ack = () => jsonResponse({ error_code: 0 });
const problem = (status: number, reason: string, message: string) => jsonResponse({ error_code: status, reason, message }, { status });

export function createReceiver(options: ReceiverOptions): Receiver {
  const tasks = new Map<string, TaskState>();
  const applied = new Set<string>();
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  // Checked here, at setup: a receiver without a key does not start.
  const verifyBody = createVerifier(options);

  async function receive(request: Request): Promise<Response> {
    let body: Uint8Array;
    try {
      body = await readBody(request, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return reject(413, "too_large", error.message);
      throw error;
    }
    const result = verifyBody(body);
    if (!result.ok) return reject(result.status, result.reason, result.message);
    const { event } = result;
    const key = `${event.EventData.TaskId}:${event.EventType}`;
    const duplicate = applied.has(key);
    if (!duplicate && options.confirm && !(await options.confirm(event))) {
      return reject(409, "not_confirmed", `TIW does not confirm task ${event.EventData.TaskId}`);
    }
    options.onEvent?.(event, { duplicate });
    if (!duplicate) {
      applied.add(key);
      apply(tasks, event);
    }
    countDelivery(tasks, event);
    return ack();
  }

  function reject(status: number, reason: string, message: string): Response {
    options.onReject?.(reason, message);
    return problem(status, reason, message);
  }

  return {
    tasks,
    async fetch(request) {
      const { pathname } = new URL(request.url);
      if (pathname === "/tasks" || pathname.startsWith("/tasks/")) {
        if (request.method !== "GET") return problem(405, "method_not_allowed", "use GET to read task state");
        if (pathname === "/tasks") return jsonResponse([...tasks.values()]);
        const task = tasks.get(taskIdOf(pathname));
        return task ? jsonResponse(task) : problem(404, "not_found", "no callback received for this task");
      }
      if (request.method !== "POST") return problem(405, "method_not_allowed", "TIW callbacks are POST requests");
      return receive(request);
    },
  };
}

/** The TaskId of a `/tasks/{TaskId}` path; a broken percent-encoding names no task rather than throwing. */
function taskIdOf(pathname: string): string {
  const encoded = pathname.slice("/tasks/".length);
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

function apply(tasks: Map<string, TaskState>, event: WhiteboardPushEvent): void {
  const data = event.EventData;
  const known = tasks.get(data.TaskId);
  if (event.EventType === "WhiteboardPushStarted") {
    // A Stopped that came first has already ended the task: keep its end, record the start.
    tasks.set(data.TaskId, {
      ...(known ?? { Status: "PUSHING", Received: { WhiteboardPushStarted: 0, WhiteboardPushStopped: 0 } }),
      TaskId: data.TaskId,
      RoomId: data.RoomId,
      PushUserId: data.PushUserId,
      PushStartTime: data.PushStartTime,
      StartedReceived: true,
    });
    return;
  }
  const stopped = event.EventData;
  tasks.set(data.TaskId, {
    Received: known?.Received ?? { WhiteboardPushStarted: 0, WhiteboardPushStopped: 0 },
    StartedReceived: known?.StartedReceived ?? false,
    TaskId: stopped.TaskId,
    RoomId: stopped.RoomId,
    Status: "STOPPED",
    PushUserId: stopped.PushUserId,
    PushStartTime: stopped.PushStartTime,
    GroupId: stopped.GroupId,
    FinishReason: stopped.FinishReason,
    PushStopTime: stopped.PushStopTime,
    ExceptionCnt: stopped.ExceptionCnt,
    ...(stopped.Error ? { Error: stopped.Error } : {}),
  });
}

function countDelivery(tasks: Map<string, TaskState>, event: WhiteboardPushEvent): void {
  const task = tasks.get(event.EventData.TaskId);
  if (task) task.Received[event.EventType] += 1;
}
