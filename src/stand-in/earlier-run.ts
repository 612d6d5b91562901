import type { Journal, TaskHistory } from "../store/index.js";
import type { WhiteboardPushEvent } from "../tiw/events.js";
import { callbackCount } from "./callback-count.js";
import type { Clock } from "./clock.js";
import type { CallbackRouteSettings, Deliveries } from "./deliveries.js";
import { pendingCallbacks } from "./journal-history.js";
import type { PushTasks } from "./push-tasks.js";
import { lastMoment, restoredTask } from "./restored-task.js";
import type { KitTask } from "./types.js";

export interface EarlierRun {
  journal: Journal;
  /** The task views the earlier runs saved, when the journal is a file. */
  history: TaskHistory<KitTask> | undefined;
  clock: Clock;
  pushTasks: PushTasks;
  deliveries: Deliveries;
  /** The callback URL and key configured now. */
  route: CallbackRouteSettings;
  warn(message: string): void;
}

/**
 * Goes on where the runs before left off (a kill, Ctrl-C): resends the callbacks they left pending
 * in the journal, in journal order, so each task's Started goes before its Stopped; takes their
 * tasks back, those still PREPARED or PUSHING going on in this run. The virtual clock does not
 * run back behind a task that goes on: it moves to the latest moment of such a task when that is
 * ahead of it.
 */
export function takeOverEarlierRun(run: EarlierRun): void {
  const pending = pendingCallbacks(run.journal);
  for (const { delivery, signed } of pending) run.deliveries.resume(delivery, signed);
  const signed = pending.filter((callback) => callback.signed).length;
  if (pending.length > 0 && !run.route.url) {
    run.warn(`tiw-push-kit: ${callbackCount(pending.length)} that an earlier run left pending in the journal wait for a callback URL (--callback or SetWhiteboardPushCallback)`);
  } else if (signed > 0 && run.route.callbackKey === undefined) {
    run.warn(
      `tiw-push-kit: ${callbackCount(signed)} that an earlier run left pending in the journal are signed, and no callback key is configured now ` +
        "(the journal never keeps it): they stay pending until one is set (serve --key or SetWhiteboardPushCallbackKey)",
    );
  }

  const journaled = (callbackId: string) => {
    const record = run.journal.getEvent(callbackId);
    return record && (JSON.parse(record.body) as WhiteboardPushEvent);
  };
  // Oldest first, as this run would have created them.
  const tasks = (run.history?.restore() ?? []).toReversed().map((view) => restoredTask(view, journaled));
  const goingOnFrom = Math.max(...tasks.filter((task) => !task.restored).map(lastMoment));
  if (goingOnFrom > run.clock.now()) run.clock.advance(goingOnFrom - run.clock.now());
  for (const task of tasks) run.pushTasks.restore(task);
}
