import { CheckFailure, type Check } from "./check.js";
import { shorten } from "./evidence.js";
import type { RecoveryTarget, Session } from "./session.js";

const pollMs = 200;
const describeAction = "DescribeWhiteboardPush";
const faq = "TIW's FAQ asks you to call DescribeWhiteboardPush for a task whose callback does not arrive";

/** A JSON call to the stand-in's control surface; any answer but 2xx means the check cannot be set up. */
async function control<T>(target: RecoveryTarget, method: "GET" | "POST", path: string, timeoutMs: number): Promise<T> {
  const url = new URL(`_kit/${path}`, target.api.endsWith("/") ? target.api : `${target.api}/`).href;
  const response = await target.fetch(url, { method, signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  if (!response.ok) throw new Error(`the TIW API stand-in answered ${method} ${url} with HTTP ${response.status} ${shorten(text)}`);
  return JSON.parse(text) as T;
}

/** Polls until `found` gives a value or `waitMs` passes. */
async function within<T>(waitMs: number, found: () => Promise<T | undefined>): Promise<T | undefined> {
  const deadline = performance.now() + waitMs;
  for (;;) {
    const value = await found();
    if (value !== undefined || performance.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Reads the receiver's state until it says STOPPED or the time budget is spent. */
async function expectStopped(session: Session, taskId: string, sent: string): Promise<void> {
  const state = await within(session.budgetMs, async () => {
    const read = await session.inspect(taskId);
    return (read as { Status?: unknown } | undefined)?.Status === "STOPPED" ? read : undefined;
  });
  if (state !== undefined) return;
  const last = await session.inspect(taskId);
  throw new CheckFailure(`the receiver asked DescribeWhiteboardPush about task ${taskId}, but its state is not STOPPED`, {
    sent: `${sent}, then read the state of task ${taskId}`,
    received: last === undefined ? "no state (404)" : shorten(JSON.stringify(last)),
    expected: 'Status "STOPPED", as DescribeWhiteboardPush answered',
  });
}

/**
 * A callback can be lost for good. A task is started on the TIW API stand-in that the receiver's
 * TIW client calls, its Started delivered, then it is stopped with its Stopped never sent: the
 * receiver must notice and ask DescribeWhiteboardPush about the task within the wait.
 */
export const recoveryCheck: Check = {
  name: "recovers-lost-callback",
  description: "When a task's Stopped callback never arrives, the receiver asks DescribeWhiteboardPush about it in time (and, with inspect, ends STOPPED)",
  level: "basic",
  needs: "recovery",
  async run(session) {
    const target = session.recovery;
    if (!target) throw new Error("tiw-push-kit: this check needs the recovery option");
    const timeoutMs = session.requestTimeoutMs;
    const { taskId } = await control<{ taskId: string }>(target, "POST", "tasks", timeoutMs);
    await control(target, "POST", `tasks/${encodeURIComponent(taskId)}/start`, timeoutMs);
    const startedDelivered = await within(target.waitMs, async () => {
      const deliveries = await control<{ eventType: string; status: string }[]>(target, "GET", `deliveries?taskId=${encodeURIComponent(taskId)}`, timeoutMs);
      return deliveries.some((delivery) => delivery.eventType === "WhiteboardPushStarted" && delivery.status === "delivered") ? true : undefined;
    });
    if (!startedDelivered) {
      throw new CheckFailure(`the stand-in could not deliver task ${taskId}'s WhiteboardPushStarted to the receiver: is the stand-in's callback URL your receiver (serve --callback URL)?`);
    }
    const stoppedAt = Date.now();
    await control(target, "POST", `tasks/${encodeURIComponent(taskId)}/stop?dropCallback=true`, timeoutMs);
    const sent = `task ${taskId} started on the TIW API stand-in at ${target.api}, its WhiteboardPushStarted delivered, then stopped with its WhiteboardPushStopped lost for good`;

    const asked = await within(target.waitMs, async () => {
      const calls = await control<{ Action: string; At: number }[]>(target, "GET", `api-calls?taskId=${encodeURIComponent(taskId)}`, timeoutMs);
      return calls.find((call) => call.Action === describeAction && call.At >= stoppedAt);
    });
    if (!asked) {
      const seconds = target.waitMs / 1000;
      throw new CheckFailure(`the receiver did not ask ${describeAction} about task ${taskId} within ${seconds} s of its lost Stopped: ${faq}`, {
        sent,
        received: `no ${describeAction} call for the task within ${seconds} s`,
        expected: `${describeAction} with TaskId ${taskId} within ${seconds} s (${faq})`,
      });
    }
    if (session.canInspect) await expectStopped(session, taskId, sent);
  },
};
