import type { WhiteboardPushStartedEvent } from "../../src/tiw/events.js";

/**
 * Contract options for the whole suite at `strict` against a hardened receiver: state read at
 * `/tasks/{TaskId}`, and every task the suite announces added to `announced`, which the receiver's
 * `confirm` reads as its stand-in for DescribeWhiteboardPush.
 */
export function hardenedContract(announced: Set<string>) {
  return {
    level: "strict",
    inspect: "/tasks/{TaskId}",
    hardened: true,
    announce: (started: WhiteboardPushStartedEvent) => void announced.add(started.EventData.TaskId),
  } as const;
}
