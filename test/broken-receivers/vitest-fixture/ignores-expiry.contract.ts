import { defineReceiverContract } from "../../../contract-tests/vitest.js";
import { createIgnoresExpiry } from "../ignores-expiry.js";

const receiver = createIgnoresExpiry({ callbackKey: "fixture-key", sdkAppId: 1400000001 });

defineReceiverContract({ name: "ignores expiry", handler: receiver.fetch, callbackKey: "fixture-key", sdkAppId: 1400000001, inspect: "/tasks/{TaskId}" });
