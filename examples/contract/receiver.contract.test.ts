/**
 * The TIW whiteboard push receiver contract as tests in your own vitest suite. Copy this file next
 * to your receiver and change the two marked imports; every check becomes one test, and a failing
 * one shows what was sent, what came back and what was expected.
 */
import { defineReceiverContract } from "../../contract-tests/vitest.js"; // in your project: from "tiw-push-kit/contract/vitest"
import { createReceiver } from "../../src/receiver/reference-receiver.js"; // in your project: your receiver, any (Request) => Promise<Response>

const callbackKey = "contract-test-key";
const sdkAppId = 1400000001;
const receiver = createReceiver({ callbackKey, sdkAppId });

// In-process: the checks call the handler directly, no port and no network. To test a running
// server instead, give `target: "http://127.0.0.1:3000/tiw/whiteboard-push/callback"` (or a function
// returning the URL of a server you start in beforeAll) in place of `handler`.
defineReceiverContract({
  handler: receiver.fetch,
  callbackKey,
  sdkAppId,
  level: "strict",
  // Enables the state checks: your receiver's record of a task, in the shape of DescribeWhiteboardPush
  // (Status, FinishReason, ...). A URL template such as "/tasks/{TaskId}" works too.
  inspect: async (taskId) => receiver.tasks.get(taskId),
});
