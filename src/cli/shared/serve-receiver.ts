import { createReceiver, type TaskState } from "../../receiver/reference-receiver.js";
import { serve } from "../../server/node.js";
import type { FetchHandler } from "../../tiw/fetch-handler.js";
import type { WhiteboardPushEvent } from "../../tiw/events.js";
import { type Output, writeSoon } from "./command.js";
import { printable } from "./printable.js";

export const defaultReceiverPort = 4020;

export interface ReceiverServerOptions {
  /** Without one the receiver runs unsigned, as for an app with no callback key set on TIW. */
  callbackKey: string | undefined;
  sdkAppId: number;
  port: number;
  host: string;
  /** Where each callback accepted or rejected is printed. */
  output: Output;
  /** Print JSON Lines instead of text. */
  json: boolean;
}

export interface ReceiverServer {
  /** Base URL, e.g. `http://127.0.0.1:4020`. */
  url: string;
  counts: ReceiverCounts;
  tasks: ReadonlyMap<string, TaskState>;
  close(): Promise<void>;
}

export interface ReceiverCounts {
  accepted: number;
  duplicates: number;
  rejected: number;
}

/** The reference receiver over HTTP (`receiver`, `start`), printing each callback it gets. */
export async function serveReceiver(options: ReceiverServerOptions): Promise<ReceiverServer> {
  const report = reporter(options.output, options.json);
  const authentication = options.callbackKey === undefined ? { unsigned: true as const } : { callbackKey: options.callbackKey };
  const receiver = createReceiver({ ...authentication, sdkAppId: options.sdkAppId, onEvent: report.accepted, onReject: report.rejected });
  const server = await listen(receiver.fetch, options.port, options.host);
  return { url: server.url, counts: report.counts, tasks: receiver.tasks, close: () => server.close() };
}

/** Serves a handler, with a one-line error when the port is taken. */
async function listen(handler: FetchHandler, port: number, host: string) {
  try {
    return await serve(handler, { port, host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new Error(`tiw-push-kit: port ${port} on ${host} is already in use; pick another with --port`, { cause: error });
    throw error;
  }
}

/** Prints each callback the receiver accepts or rejects, as text or JSON Lines. */
function reporter(output: Output, json: boolean) {
  const counts: ReceiverCounts = { accepted: 0, duplicates: 0, rejected: 0 };
  const print = (line: string) => writeSoon(output, printable(line) + "\n");
  return {
    counts,
    accepted(event: WhiteboardPushEvent, info: { duplicate: boolean }) {
      counts.accepted += 1;
      if (info.duplicate) counts.duplicates += 1;
      const data = event.EventData;
      if (json) return print(JSON.stringify({ accepted: true, duplicate: info.duplicate, event }));
      const ending = event.EventType === "WhiteboardPushStopped" ? ` ${event.EventData.FinishReason}` : "";
      print(`200 ${event.EventType} TaskId=${data.TaskId} RoomId=${data.RoomId}${ending}${info.duplicate ? " (duplicate)" : ""}`);
    },
    rejected(reason: string, message: string) {
      counts.rejected += 1;
      print(json ? JSON.stringify({ accepted: false, reason, message }) : `rejected ${reason}: ${message}`);
    },
  };
}
