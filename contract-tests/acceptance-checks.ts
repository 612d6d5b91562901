import type { FinishReason } from "../src/tiw/events.js";
import { CheckFailure, type Check, type Warning } from "./check.js";
import { evidenceOf, expectAcknowledged } from "./evidence.js";
import type { Session } from "./session.js";
import type { Exchange } from "./transport.js";

/** TIW ignores the answer's body but documents `{"error_code":0}`: a warning at `basic`, a failure at `strict`. */
function judgeAckBody(session: Session, exchange: Exchange, step: string): Warning | void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(exchange.answer?.body ?? "");
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === "object" && parsed !== null && (parsed as { error_code?: unknown }).error_code === 0) return;
  const evidence = evidenceOf(exchange, 'HTTP 200 with the body {"error_code":0}', step);
  const message = `${step} was acknowledged without the documented body {"error_code":0}`;
  if (session.strict) throw new CheckFailure(message, evidence);
  return { warning: message, evidence };
}

async function acknowledge(session: Session, body: object, step: string): Promise<Exchange> {
  const exchange = await session.deliver(body);
  expectAcknowledged(exchange, step);
  return exchange;
}

const acceptsStopped = (ending: FinishReason, name: string, what: string): Check => ({
  name,
  description: `A valid Started, then its Stopped ending ${what}: both get HTTP 200`,
  level: "basic",
  async run(session) {
    const { started, stopped } = await session.task(ending);
    await acknowledge(session, session.asSent(started), "WhiteboardPushStarted");
    const step = `WhiteboardPushStopped (${ending})`;
    return judgeAckBody(session, await acknowledge(session, session.asSent(stopped), step), step);
  },
});

/** Fields TIW might add one day, at both levels of the body. */
const futureEnvelopeFields = { EventVersion: 2, Extensions: { Region: "ap-guangzhou", Tags: ["contract-test"] } };
const futureDataFields = { StreamId: "tiw_push_stream_contract", Resolution: { Width: 1280, Height: 720 } };

export const acceptanceChecks: Check[] = [
  {
    name: "accepts-started",
    description: "A valid WhiteboardPushStarted gets HTTP 200 (strict: with the body {\"error_code\":0})",
    level: "basic",
    async run(session) {
      const { started } = await session.task("USER_CALL");
      return judgeAckBody(session, await acknowledge(session, session.asSent(started), "WhiteboardPushStarted"), "WhiteboardPushStarted");
    },
  },
  acceptsStopped("USER_CALL", "accepts-stopped-user-call", "with USER_CALL (stop API called)"),
  acceptsStopped("AUTO", "accepts-stopped-auto", "with AUTO (idle for AutoStopTimeout)"),
  acceptsStopped("EXCEPTION", "accepts-stopped-exception", "with EXCEPTION (ExceptionCnt and Error)"),
  {
    name: "accepts-unknown-fields",
    description: "Callbacks with unknown extra fields in the envelope and in EventData get HTTP 200 (forward compatibility)",
    level: "basic",
    async run(session) {
      const { started, stopped } = await session.task("EXCEPTION");
      const extend = <E extends { EventData: object }>(event: E): E => ({ ...event, ...futureEnvelopeFields, EventData: { ...event.EventData, ...futureDataFields } });
      await acknowledge(session, session.asSent(extend(started)), "WhiteboardPushStarted with unknown fields");
      await acknowledge(session, session.asSent(extend(stopped)), "WhiteboardPushStopped with unknown fields");
    },
  },
  {
    name: "accepts-duplicate",
    description: "The same callback delivered twice gets HTTP 200 both times (idempotent acknowledgement)",
    level: "basic",
    async run(session) {
      const { started, stopped } = await session.task("USER_CALL");
      const signedStarted = session.asSent(started);
      const signedStopped = session.asSent(stopped);
      await acknowledge(session, signedStarted, "WhiteboardPushStarted");
      await acknowledge(session, signedStarted, "the same WhiteboardPushStarted again");
      await acknowledge(session, signedStopped, "WhiteboardPushStopped");
      await acknowledge(session, signedStopped, "the same WhiteboardPushStopped again");
    },
  },
  {
    name: "accepts-out-of-order",
    description: "A WhiteboardPushStopped that arrives before its Started gets HTTP 200, and so does the late Started",
    level: "basic",
    async run(session) {
      const { started, stopped } = await session.task("AUTO");
      await acknowledge(session, session.asSent(stopped), "WhiteboardPushStopped before its Started");
      await acknowledge(session, session.asSent(started), "the late WhiteboardPushStarted");
    },
  },
];
