import { Agent } from "node:http";
import * as tencentcloud from "tencentcloud-sdk-nodejs";
import { createReceiver } from "../../src/receiver/reference-receiver.js";

export interface PollingReceiver {
  fetch: (request: Request) => Promise<Response>;
  close(): void;
}

/**
 * The reference receiver plus what TIW's FAQ asks for: when a task's Stopped has not arrived
 * `pollAfterMs` after its Started, it asks DescribeWhiteboardPush with the official SDK, pointed at
 * `tiwUrl()` (the stand-in), and takes a STOPPED answer as its state. `asks-only` asks but keeps its
 * state; `never-asks` does not ask.
 */
export type Recovery = "recovers" | "asks-only" | "never-asks";

export function createPollingReceiver(options: { callbackKey: string; sdkAppId: number; tiwUrl: () => string; pollAfterMs: number; recovery: Recovery }): PollingReceiver {
  const agent = new Agent({ keepAlive: false });
  const recovered = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const receiver = createReceiver({
    callbackKey: options.callbackKey,
    sdkAppId: options.sdkAppId,
    onEvent(event) {
      if (event.EventType !== "WhiteboardPushStarted" || options.recovery === "never-asks") return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        void recover(event.EventData.TaskId);
      }, options.pollAfterMs);
      timers.add(timer);
    },
  });

  async function recover(taskId: string): Promise<void> {
    if (receiver.tasks.get(taskId)?.Status === "STOPPED") return;
    const { port } = new URL(options.tiwUrl());
    const client = new tencentcloud.tiw.v20190919.Client({
      credential: { secretId: "AKIDpollingreceiver00", secretKey: "polling-receiver-key" },
      region: "ap-guangzhou",
      profile: { httpProfile: { endpoint: `127.0.0.1:${port}`, protocol: "http://", agent } },
    });
    const task = await client.DescribeWhiteboardPush({ SdkAppId: options.sdkAppId, TaskId: taskId });
    if (task.Status === "STOPPED" && options.recovery === "recovers") recovered.add(taskId);
  }

  return {
    async fetch(request) {
      const taskId = /^\/tasks\/([^/]+)$/.exec(new URL(request.url).pathname)?.[1];
      if (request.method === "GET" && taskId !== undefined && recovered.has(taskId)) {
        return Response.json({ ...receiver.tasks.get(taskId), Status: "STOPPED" });
      }
      return receiver.fetch(request);
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      agent.destroy();
    },
  };
}
