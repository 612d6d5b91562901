import type { FinishReason } from "../../tiw/events.js";
import type { Random } from "../../generate/random.js";
import type { TiwApi } from "./tiw-api.js";
import { apiVersion } from "../types.js";

export interface TrafficOptions {
  sdkAppId: number;
  random: Random;
  /** Real milliseconds between two new push tasks. */
  everyMs: number;
  /** Virtual seconds of inactivity before the stand-in stops a task with AUTO. */
  autoStopTimeout: number;
  /** Real milliseconds within which a task is stopped or fails, when that is its fate (shorter than the idle timeout). */
  endWithinMs: number;
  onError(message: string): void;
}

export interface Traffic {
  counts: { started: number; stopped: number; failed: number };
  stop(): void;
}

/**
 * Live traffic through the TIW API stand-in, as a user's backend would cause it: a push task is
 * started every few seconds with StartWhiteboardPush, then stopped with StopWhiteboardPush
 * (USER_CALL), failed by an injected fault (EXCEPTION), or left idle until AutoStopTimeout (AUTO).
 */
export function startTraffic(api: TiwApi, options: TrafficOptions): Traffic {
  const counts = { started: 0, stopped: 0, failed: 0 };
  const timers = new Set<NodeJS.Timeout>();
  const report = (error: unknown) => options.onError(error instanceof Error ? error.message : String(error));
  const later = (ms: number, run: () => Promise<void>) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run().catch(report);
    }, ms);
    timers.add(timer);
  };

  async function call(action: string, body: object): Promise<Record<string, unknown>> {
    const response = await api.fetch(
      new Request("http://tiw-api.local/", {
        method: "POST",
        headers: { "content-type": "application/json", "x-tc-action": action, "x-tc-version": apiVersion, "x-tc-region": "ap-guangzhou" },
        body: JSON.stringify(body),
      }),
    );
    const { Response: answer } = (await response.json()) as { Response: Record<string, unknown> & { Error?: { Code: string; Message: string } } };
    if (answer.Error) throw new Error(`${action}: ${answer.Error.Code} ${answer.Error.Message}`);
    return answer;
  }

  async function startTask(): Promise<void> {
    const { random, sdkAppId } = options;
    const roomId = random.int(1000, 99_999_999);
    const { TaskId } = await call("StartWhiteboardPush", {
      SdkAppId: sdkAppId,
      RoomId: roomId,
      PushUserId: `tic_push_user_${roomId}_01`,
      PushUserSig: "local-demo-user-sig",
      AutoStopTimeout: options.autoStopTimeout,
    });
    counts.started += 1;
    const fate = random.pick<FinishReason>(["USER_CALL", "USER_CALL", "EXCEPTION", "AUTO"]);
    if (fate === "AUTO" || typeof TaskId !== "string") return;
    later(random.int(options.endWithinMs / 4, options.endWithinMs), async () => {
      if (fate === "USER_CALL") {
        await call("StopWhiteboardPush", { SdkAppId: sdkAppId, TaskId });
        counts.stopped += 1;
      } else {
        api.injectException(TaskId);
        counts.failed += 1;
      }
    });
  }

  const ticker = setInterval(() => startTask().catch(report), options.everyMs);
  void startTask().catch(report);
  return {
    counts,
    stop() {
      clearInterval(ticker);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
