import type { WhiteboardPushStartedEvent } from "../src/tiw/events.js";
import { withSignature } from "../src/tiw/signing.js";
import type { Check } from "./check.js";
import { expectAcknowledged, expectRejected } from "./evidence.js";
import type { Session } from "./session.js";

/** A forged or broken form of a fresh, valid Started, which the receiver must refuse. */
type Forge = (session: Session, started: WhiteboardPushStartedEvent) => object | string;

const rejects = (name: string, description: string, step: string, forge: Forge, about?: "signature"): Check => ({
  name,
  description,
  level: "basic",
  ...(about === "signature" ? { checksSignature: true } : {}),
  async run(session) {
    const { started } = await session.task("USER_CALL");
    expectRejected(await session.deliver(forge(session, started)), step);
  },
});

/** A refused bad body must not leave the receiver broken: the next valid callback still gets 200. */
async function expectStillWorking(session: Session): Promise<void> {
  const { started } = await session.task("USER_CALL");
  expectAcknowledged(await session.deliver(session.asSent(started)), "a valid WhiteboardPushStarted right after");
}

function without(body: object, field: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([name]) => name !== field));
}

/** Long enough ago that no tolerance for clock skew can excuse it. */
const expiredSecondsAgo = 3600;

export const rejectionChecks: Check[] = [
  rejects(
    "rejects-bad-sign",
    "A callback whose Sign was made with another key gets a 4xx",
    "WhiteboardPushStarted signed with another key",
    (session, started) => withSignature(started, `${session.callbackKey ?? ""}-not-the-key`, session.now() + 300),
    "signature",
  ),
  rejects(
    "rejects-expired",
    "A correctly signed callback whose ExpireTime has passed gets a 4xx (replay protection)",
    `WhiteboardPushStarted with an ExpireTime ${expiredSecondsAgo} s in the past`,
    (session, started) => session.signed(started, session.now() - expiredSecondsAgo),
    "signature",
  ),
  rejects(
    "rejects-foreign-app",
    "A correctly signed callback for another SdkAppId gets a 4xx",
    "WhiteboardPushStarted of another SdkAppId",
    (session, started) => session.asSent({ ...started, SdkAppId: session.sdkAppId + 1 }),
  ),
  rejects(
    "rejects-missing-sign",
    "A callback without Sign gets a 4xx",
    "WhiteboardPushStarted without Sign",
    (session, started) => without(session.signed(started), "Sign"),
    "signature",
  ),
  {
    name: "rejects-malformed-json",
    description: "A body that is not JSON gets a 4xx, and the next valid callback still gets HTTP 200",
    level: "basic",
    async run(session) {
      const { started } = await session.task("USER_CALL");
      const truncated = JSON.stringify(session.asSent(started)).slice(0, -12);
      expectRejected(await session.deliver(truncated), "a truncated JSON body");
      await expectStillWorking(session);
    },
  },
  {
    name: "rejects-schema-invalid",
    description: "Signed JSON that breaks the spec (RoomId as text, no TaskId) gets a 4xx, and the next valid callback still gets HTTP 200",
    level: "basic",
    async run(session) {
      const { started } = await session.task("USER_CALL");
      const textRoomId = { ...started, EventData: { ...started.EventData, RoomId: String(started.EventData.RoomId) } };
      expectRejected(await session.deliver(session.asSent(textRoomId)), "WhiteboardPushStarted with RoomId as a string");
      const withoutTaskId = { ...started, EventData: without(started.EventData, "TaskId") };
      expectRejected(await session.deliver(session.asSent(withoutTaskId)), "WhiteboardPushStarted without TaskId");
      await expectStillWorking(session);
    },
  },
];
