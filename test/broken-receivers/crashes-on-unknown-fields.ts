import { createReceiver, type Receiver, type ReceiverOptions } from "../../examples/receiver/receiver.js";
import type { WhiteboardPushStartedData, WhiteboardPushStoppedData, WhiteboardPushStoppedEvent } from "../../src/events.js";

/** The fields of today's spec, as a fixed table of columns would hold them; the compiler keeps the lists complete. */
const envelopeColumns: Record<keyof WhiteboardPushStoppedEvent, true> = { EventType: true, EventData: true, SdkAppId: true, Timestamp: true, ExpireTime: true, Sign: true };
const dataColumns: Record<keyof WhiteboardPushStartedData | keyof WhiteboardPushStoppedData, true> = {
  TaskId: true,
  RoomId: true,
  GroupId: true,
  PushUserId: true,
  FinishReason: true,
  PushStartTime: true,
  PushStopTime: true,
  IMSyncTime: true,
  ExceptionCnt: true,
  Error: true,
};

/** Defect: maps every field onto a fixed column and throws (500) on one it does not know, breaking forward compatibility. */
export function createCrashesOnUnknownFields(options: ReceiverOptions): Receiver {
  const receiver = createReceiver(options);
  return {
    tasks: receiver.tasks,
    async fetch(request) {
      if (request.method !== "POST") return receiver.fetch(request);
      const text = await request.text();
      let body: { EventData?: unknown } | undefined;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      for (const field of Object.keys(body ?? {})) if (!(field in envelopeColumns)) throw new Error(`column "${field}" does not exist`);
      const data = typeof body?.EventData === "object" && body.EventData !== null ? body.EventData : {};
      for (const field of Object.keys(data)) if (!(field in dataColumns)) throw new Error(`column "${field}" does not exist`);
      return receiver.fetch(new Request(request.url, { method: "POST", body: text }));
    },
  };
}
