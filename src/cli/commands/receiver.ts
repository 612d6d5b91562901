import { createReceiver } from "../../receiver/reference-receiver.js";
import { serve } from "../../server/node.js";
import { defaultSdkAppId } from "../../generate/generate.js";
import type { WhiteboardPushEvent } from "../../tiw/events.js";
import { callbackKeyOption, defineCommand, intValue, jsonOption, requireValue, sdkAppIdOption, sdkAppIdValue, write, type Output } from "../shared/command.js";

export const defaultReceiverPort = 4020;

export const receiverCommand = defineCommand({
  name: "receiver",
  summary: "Run the reference receiver on 127.0.0.1 and print each callback it gets",
  usage: "receiver [--port P] [--key KEY] [--sdk-app-id ID] [--host HOST] [--json]",
  description: [
    "Serves the reference receiver (src/receiver/reference-receiver.ts): POST a callback to any path; it answers 200 {\"error_code\":0} to",
    "valid events (duplicates too, applied once), 401 to a bad, missing or expired signature, 403 to a",
    "foreign SdkAppId, 400 to a malformed body. Task state is at GET /tasks and /tasks/{TaskId}.",
    "Runs until Ctrl-C.",
  ].join("\n"),
  options: {
    port: { type: "string", short: "p", valueName: "P", description: "Port to listen on (0: any free port)", defaultText: String(defaultReceiverPort) },
    key: { ...callbackKeyOption, description: "Callback key the receiver verifies Sign with" },
    "sdk-app-id": { ...sdkAppIdOption, description: "The only SdkAppId accepted", defaultText: String(defaultSdkAppId) },
    host: { type: "string", valueName: "HOST", description: "Address to bind; anything but loopback exposes it", defaultText: "127.0.0.1" },
    json: { ...jsonOption, description: "Print one JSON object per callback received" },
  },
  examples: ["tiw-push-kit receiver --port 4020 --key my-key --sdk-app-id 1400000001"],
  async run({ values, io }) {
    const callbackKey = requireValue("key", values.key, "the callback key to verify Sign with (or set TIW_CALLBACK_KEY)");
    const port = intValue("port", values.port, { min: 0, max: 65535 }) ?? defaultReceiverPort;
    const sdkAppId = sdkAppIdValue(values["sdk-app-id"]) ?? defaultSdkAppId;
    const report = reporter(io.stdout, values.json === true);
    const receiver = createReceiver({ callbackKey, sdkAppId, onEvent: report.accepted, onReject: report.rejected });
    const server = await listen(receiver.fetch, port, values.host ?? "127.0.0.1");
    await write(values.json ? io.stderr : io.stdout, `receiver listening on ${server.url}/ (callbacks: POST any path; task state: GET ${server.url}/tasks)\n`);
    await io.interrupted;
    await server.close();
    await write(io.stderr, `receiver stopped: ${report.counts.accepted} accepted (${report.counts.duplicates} duplicates), ${report.counts.rejected} rejected\n`);
    return 0;
  },
});

/** Serves a handler, with a one-line error when the port is taken. */
export async function listen(handler: (request: Request) => Promise<Response>, port: number, host: string) {
  try {
    return await serve(handler, { port, host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new Error(`tiw-push-kit: port ${port} on ${host} is already in use; pick another with --port`, { cause: error });
    throw error;
  }
}

/** Prints each callback the receiver accepts or rejects, as text or JSON Lines. */
export function reporter(output: Output, json: boolean) {
  const counts = { accepted: 0, duplicates: 0, rejected: 0 };
  const print = (line: string) => void write(output, line + "\n");
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
