import type { Receiver, ReceiverOptions } from "../../src/receiver/reference-receiver.js";
import { interceptingReceiver, parsedOrUndefined } from "./intercepting-receiver.js";
import type { WhiteboardPushStartedData, WhiteboardPushStoppedData, WhiteboardPushStoppedEvent } from "../../src/tiw/events.js";

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
  return interceptingReceiver(options, (text) => {
    const body = parsedOrUndefined<{ EventData?: unknown }>(text);
    for (const field of Object.keys(body ?? {})) if (!(field in envelopeColumns)) throw new Error(`column "${field}" does not exist`);
    const data = typeof body?.EventData === "object" && body.EventData !== null ? body.EventData : {};
    for (const field of Object.keys(data)) if (!(field in dataColumns)) throw new Error(`column "${field}" does not exist`);
    return text;
  });
}
