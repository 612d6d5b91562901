import type { Check } from "./check.js";
import { expectRejected } from "./evidence.js";

/**
 * The body of a callback is not signed, so a replayed in-window Sign authenticates any body. A
 * hardened receiver confirms each task with TIW (DescribeWhiteboardPush) before applying it; this
 * check sends a task that was never announced to the TIW API stand-in.
 */
export const hardeningChecks: Check[] = [
  {
    name: "rejects-unknown-task",
    description: "Hardened receivers: a correctly signed, in-window callback about a task TIW does not know gets a 4xx (confirmed with DescribeWhiteboardPush)",
    level: "strict",
    needs: "hardened",
    async run(session) {
      const { started } = await session.task("USER_CALL", { announce: false });
      expectRejected(await session.deliver(session.asSent(started)), "WhiteboardPushStarted of a task TIW never started");
    },
  },
];
