// @ts-check
/** A task as a card: its status, its timeline of steps, each step's callback and attempts, its buttons. */
import { duration, h, hidden, plural, time } from "./dom.js";
import { state } from "./state.js";

/** @typedef {import("./dom.js").Child} Child */
/** @typedef {import("./kit-types.js").KitTask} KitTask */
/** @typedef {import("./kit-types.js").KitDelivery} KitDelivery */
/** @typedef {import("./kit-types.js").KitAttempt} KitAttempt */
/** @typedef {import("./kit-types.js").KitChaosDelivery} KitChaosDelivery */
/** @typedef {import("./kit-types.js").KitTimelineEntry} KitTimelineEntry */

/** @param {KitTask} task */
function statusBadge(task) {
  const { Status, FinishReason } = task.describe;
  if (Status === "STOPPED") {
    const tone = FinishReason === "USER_CALL" ? "ok" : FinishReason === "AUTO" ? "warn" : "bad";
    return h("span", { class: `badge ${tone}` }, [`STOPPED · ${FinishReason}`]);
  }
  return h("span", { class: `badge ${Status === "PUSHING" ? "info" : ""}` }, [Status]);
}

/** @param {KitDelivery["status"] | KitChaosDelivery["status"]} status */
function deliveryBadge(status) {
  const tone = { delivered: "ok", failed: "bad", pending: "", "forged-rejected": "ok", "forged-accepted": "bad" }[status];
  return h("span", { class: `badge ${tone}` }, [status === "pending" ? "sending…" : status]);
}

/** @param {KitAttempt[]} attempts */
function attemptList(attempts) {
  if (attempts.length === 0) return h("span", { class: "hint" }, ["no attempt yet"]);
  return h(
    "ol",
    { class: "attempts", "aria-label": "Attempts" },
    attempts.map((attempt, index) => {
      const answer = attempt.status === null ? (attempt.error ?? "no answer") : `HTTP ${attempt.status}`;
      return h("li", { class: `attempt ${attempt.status === 200 ? "ok" : "bad"}`, title: attempt.error ?? "" }, [hidden(`attempt ${index + 1}: `), `${answer} · ${duration(attempt.durationMs)}`]);
    }),
  );
}

/**
 * @param {KitDelivery} delivery
 * @param {KitTask} task
 * @param {boolean} resent
 */
function deliveryRow(delivery, task, resent) {
  const retries = Math.max(0, delivery.attempts.length - 1);
  const what = `${delivery.eventType} of task ${task.taskId}${resent ? " (resent)" : ""}`;
  return h("div", { class: "delivery", "data-delivery": delivery.id }, [
    resent ? h("span", { class: "hint" }, ["resent"]) : null,
    h("span", { class: "event-type" }, [delivery.eventType]),
    deliveryBadge(delivery.status),
    attemptList(delivery.attempts),
    retries > 0 ? h("span", { class: "retries" }, [plural(retries, "retry", "retries")]) : null,
    h("button", { type: "button", class: "small", "data-action": "payload", "data-id": delivery.id, "data-focus": `payload:${delivery.id}` }, ["Payload", hidden(` of ${what}`)]),
    // Any delivery can be resent through /_kit/; the page offers it where it helps: after a failure.
    delivery.status === "failed"
      ? h("button", { type: "button", class: "small primary", "data-action": "resend", "data-id": delivery.id, "data-focus": `resend:${delivery.id}` }, ["Resend", hidden(` ${what}`)])
      : null,
  ]);
}

/**
 * The delivery of a timeline step, then its resends, in order.
 * @param {string | undefined} deliveryId
 * @param {KitTask} task
 * @param {Map<string, KitDelivery[]>} resendsOf
 */
function deliveryBlock(deliveryId, task, resendsOf) {
  if (!deliveryId) return h("span", { class: "hint" }, ["no callback sent: no callback URL was set"]);
  const delivery = state.deliveries.get(deliveryId);
  if (!delivery) return h("span", { class: "hint" }, [`callback ${deliveryId} (no longer kept)`]);
  /** @type {HTMLElement[]} */
  const rows = [deliveryRow(delivery, task, false)];
  /** @param {string} id */
  const addResends = (id) => {
    for (const resend of resendsOf.get(id) ?? []) {
      rows.push(deliveryRow(resend, task, true));
      addResends(resend.id);
    }
  };
  addResends(delivery.id);
  return h("div", {}, rows);
}

const stepLabel = { created: "Start", started: "PUSHING", activity: "Operation", stopped: "Stopped" };

/**
 * @param {KitTimelineEntry} entry
 * @param {KitTask} task
 * @param {Map<string, KitDelivery[]>} resendsOf
 */
function step(entry, task, resendsOf) {
  const label = entry.kind === "stopped" ? (entry.finishReason ?? "Stopped") : stepLabel[entry.kind];
  /** @type {Child} */
  let detail;
  if (entry.kind === "created") detail = h("span", {}, ["StartWhiteboardPush: ", h("span", { class: "hint" }, ["PREPARED"])]);
  else if (entry.kind === "activity") detail = h("span", { class: "hint" }, ["whiteboard operation: the idle timer restarts"]);
  else detail = deliveryBlock(entry.deliveryId, task, resendsOf);
  return h("li", { class: "step", "data-kind": entry.kind, "data-reason": entry.finishReason }, [h("span", { class: "step-label" }, [label]), time(entry.at), detail]);
}

/** @param {KitTask} task */
function upcomingStep(task) {
  const { Status } = task.describe;
  if (Status === "STOPPED" || task.restored) return null;
  if (Status === "PREPARED") return h("li", { class: "step upcoming" }, [h("span", { class: "step-label" }, ["PUSHING"]), h("span", {}, ["next"]), "after the preparation: WhiteboardPushStarted"]);
  return h("li", { class: "step upcoming" }, [
    h("span", { class: "step-label" }, ["End"]),
    h("span", {}, ["next"]),
    h("span", {}, ["USER_CALL, EXCEPTION, or AUTO ", task.autoStopAt === null ? "" : h("span", {}, ["at ", time(task.autoStopAt)])]),
  ]);
}

/** @param {KitTask} task */
function taskActions(task) {
  const { Status } = task.describe;
  if (task.restored) return h("p", { class: "restored-note" }, ["From an earlier run of the stand-in, restored from the journal: it can no longer change."]);
  if (Status === "STOPPED") return null;
  /** @param {string} action @param {string} text @param {string} [tone] */
  const button = (action, text, tone = "") =>
    h("button", { type: "button", class: tone, "data-action": action, "data-id": task.taskId, "data-focus": `${action}:${task.taskId}`, "data-focus-fallback": `task:${task.taskId}` }, [
      text,
      hidden(` task ${task.taskId}`),
    ]);
  return h("div", { class: "task-actions" }, [
    Status === "PREPARED" ? button("start-now", "Start pushing now") : null,
    button("stop", "Stop"),
    button("timeout", "Time out"),
    button("exception", "Inject exception", "danger"),
  ]);
}

/** @param {KitTask} task @param {KitDelivery[]} deliveries */
export function taskCard(task, deliveries) {
  const { describe } = task;
  /** @type {Map<string, KitDelivery[]>} */
  const resendsOf = new Map();
  for (const delivery of [...deliveries].sort((a, b) => a.createdAt - b.createdAt)) {
    if (delivery.resendOf === null) continue;
    resendsOf.set(delivery.resendOf, [...(resendsOf.get(delivery.resendOf) ?? []), delivery]);
  }
  const titleId = `task-${task.taskId}`;
  return h("li", { class: "task", "data-task": task.taskId, "data-status": describe.Status, "data-reason": describe.FinishReason || undefined }, [
    h("article", { "aria-labelledby": titleId }, [
      h("div", { class: "task-head" }, [
        h("h3", { id: titleId, tabindex: -1, "data-focus": `task:${task.taskId}` }, ["Task ", h("code", {}, [task.taskId])]),
        statusBadge(task),
        task.restored ? h("span", { class: "badge" }, ["earlier run"]) : null,
      ]),
      h("p", { class: "meta" }, [
        h("span", {}, [`RoomId ${describe.RoomId}`]),
        h("span", {}, [describe.PushUserId]),
        describe.GroupId !== String(describe.RoomId) ? h("span", {}, [`GroupId ${describe.GroupId}`]) : null,
        h("span", {}, [`AutoStopTimeout ${task.autoStopTimeout} s`]),
        describe.ExceptionCnt > 0 ? h("span", {}, [`ExceptionCnt ${describe.ExceptionCnt}`]) : null,
        task.error ? h("span", {}, [`Error ${task.error.Code}`]) : null,
      ]),
      h("ol", { class: "timeline", "aria-label": `Timeline of task ${task.taskId}` }, [...task.timeline.map((entry) => step(entry, task, resendsOf)), upcomingStep(task)]),
      taskActions(task),
    ]),
  ]);
}
