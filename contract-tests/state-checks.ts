import type { WhiteboardPushStartedEvent, WhiteboardPushStoppedEvent } from "../src/tiw/events.js";
import { CheckFailure, CheckSkipped, type Check } from "./check.js";
import { describeReceived, shorten } from "./evidence.js";
import type { Session, Task } from "./session.js";

type Step = [label: string, event: WhiteboardPushStartedEvent | WhiteboardPushStoppedEvent];

/**
 * Delivers the steps in order. A step that is not acknowledged leaves nothing to judge here: the
 * acknowledgement checks report it, so this check is skipped rather than failed twice.
 */
async function deliverAll(session: Session, steps: Step[], coveredBy: string): Promise<void> {
  for (const [label, event] of steps) {
    const exchange = await session.deliver(session.asSent(event));
    if (exchange.answer?.status !== 200) {
      throw new CheckSkipped(`not judged: ${label} was not acknowledged (${describeReceived(exchange)}); see ${coveredBy}`);
    }
  }
}

/**
 * The state the receiver must hold, in the shape of DescribeWhiteboardPush's answer. `Status` is
 * required, `FinishReason` once stopped; the other fields are compared when the state has them.
 */
function expectedState(task: Task, stopped: boolean): Record<string, unknown> {
  const data = stopped ? task.stopped.EventData : task.started.EventData;
  const common = { Status: stopped ? "STOPPED" : "PUSHING", RoomId: data.RoomId, PushStartTime: data.PushStartTime };
  if (!stopped) return common;
  const { FinishReason, PushStopTime, ExceptionCnt } = task.stopped.EventData;
  return { ...common, FinishReason, PushStopTime, ExceptionCnt };
}

const requiredFields = new Set(["Status", "FinishReason"]);

function mismatches(state: unknown, expected: Record<string, unknown>): string[] {
  if (state === undefined) return ["the receiver has no state for the task"];
  if (typeof state !== "object" || state === null || Array.isArray(state)) return ["the state is not a JSON object"];
  const actual = state as Record<string, unknown>;
  return Object.entries(expected)
    .filter(([field, value]) => (field in actual || requiredFields.has(field)) && actual[field] !== value)
    .map(([field, value]) => `${field} is ${JSON.stringify(actual[field])}, expected ${JSON.stringify(value)}`);
}

/** Reads the state until it is right or the time budget is spent: a receiver may apply callbacks asynchronously. */
async function expectState(session: Session, task: Task, stopped: boolean, after: string): Promise<void> {
  const expected = expectedState(task, stopped);
  const deadline = performance.now() + session.budgetMs;
  for (;;) {
    const state = await session.inspect(task.taskId);
    const wrong = mismatches(state, expected);
    if (wrong.length === 0) return;
    if (performance.now() >= deadline) {
      const shown = Object.entries(expected).map(([field, value]) => `${field} ${JSON.stringify(value)}`).join(", ");
      throw new CheckFailure(`wrong state after ${after}: ${wrong.join("; ")}`, {
        sent: `${after}, then read the state of task ${task.taskId}`,
        received: state === undefined ? "no state (404)" : shorten(JSON.stringify(state)),
        expected: `${shown} (Status always, FinishReason once stopped, the others when the state has them)`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const stateChecks: Check[] = [
  {
    name: "state-after-sequence",
    description: "After a Started the task is PUSHING; after its Stopped it is STOPPED with the right FinishReason, for each ending",
    level: "basic",
    needs: "inspect",
    async run(session) {
      for (const ending of ["USER_CALL", "AUTO", "EXCEPTION"] as const) {
        const task = await session.task(ending);
        await deliverAll(session, [["WhiteboardPushStarted", task.started]], "accepts-started");
        await expectState(session, task, false, "WhiteboardPushStarted");
        await deliverAll(session, [[`WhiteboardPushStopped (${ending})`, task.stopped]], `accepts-stopped-${ending.toLowerCase().replace("_", "-")}`);
        await expectState(session, task, true, `WhiteboardPushStarted, WhiteboardPushStopped (${ending})`);
      }
    },
  },
  {
    name: "state-after-out-of-order",
    description: "A Stopped before its Started leaves the task STOPPED with its FinishReason, also after the late Started",
    level: "basic",
    needs: "inspect",
    async run(session) {
      const task = await session.task("EXCEPTION");
      await deliverAll(session, [["WhiteboardPushStopped before its Started", task.stopped]], "accepts-out-of-order");
      await expectState(session, task, true, "WhiteboardPushStopped (before its Started)");
      await deliverAll(session, [["the late WhiteboardPushStarted", task.started]], "accepts-out-of-order");
      await expectState(session, task, true, "WhiteboardPushStopped, then the late WhiteboardPushStarted");
    },
  },
  {
    name: "state-after-duplicate",
    description: "A callback delivered twice is applied once: the state equals that of a single delivery (e.g. ExceptionCnt not doubled)",
    level: "basic",
    needs: "inspect",
    async run(session) {
      const task = await session.task("EXCEPTION");
      const steps: Step[] = [
        ["WhiteboardPushStarted", task.started],
        ["the same WhiteboardPushStarted again", task.started],
        ["WhiteboardPushStopped (EXCEPTION)", task.stopped],
        ["the same WhiteboardPushStopped again", task.stopped],
      ];
      await deliverAll(session, steps, "accepts-duplicate");
      await expectState(session, task, true, "WhiteboardPushStarted ×2, WhiteboardPushStopped (EXCEPTION) ×2");
    },
  },
];
