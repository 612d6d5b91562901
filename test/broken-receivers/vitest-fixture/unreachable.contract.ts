import { defineReceiverContract } from "../../../contract-tests/vitest.js";

// Port 9 is on fetch's list of blocked ports: the request fails at once, without touching any network.
defineReceiverContract({ name: "unreachable", target: "http://127.0.0.1:9/callback", callbackKey: "fixture-key", sdkAppId: 1400000001, only: ["accepts-started", "rejects-expired"] });
