import type { WhiteboardPushStartedEvent } from "../../tiw/events.js";
import type { Io } from "./command.js";

/** POSTs each task's Started to the URL, so the TIW API stand-in that a hardened receiver asks knows the task. */
export function announcer(url: string, io: Io, timeoutMs: number): (started: WhiteboardPushStartedEvent) => Promise<void> {
  return async (started) => {
    const response = await io.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(started),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`--announce-url answered HTTP ${response.status} for task ${started.EventData.TaskId}`);
  };
}
