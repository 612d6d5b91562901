// @ts-check
/* global document, window, EventSource, fetch, navigator, requestAnimationFrame, setInterval, CSS, Element, HTMLElement, HTMLButtonElement, HTMLFormElement, HTMLInputElement, HTMLDialogElement, HTMLPreElement */
/**
 * The dashboard of the TIW API stand-in: a live view of every task, callback and delivery, and
 * buttons that drive the stand-in. Everything comes from the documented `/_kit/` endpoints of the
 * same origin: one server-sent event stream for changes (no polling), a snapshot when it opens.
 * Plain DOM, no framework; types checked by tsc from the spec's generated types.
 */

/** @typedef {import("../../generated/api.js").components["schemas"]} Schemas */
/** @typedef {Schemas["KitTask"]} KitTask */
/** @typedef {Schemas["KitDelivery"]} KitDelivery */
/** @typedef {Schemas["KitAttempt"]} KitAttempt */
/** @typedef {Schemas["KitChaosBurst"]} KitChaosBurst */
/** @typedef {Schemas["KitChaosDelivery"]} KitChaosDelivery */
/** @typedef {Schemas["KitSettings"]} KitSettings */
/** @typedef {Schemas["KitClock"]} KitClock */
/** @typedef {Schemas["KitChange"]} KitChange */
/** @typedef {Schemas["KitPayload"]} KitPayload */
/** @typedef {Schemas["KitProblem"]} KitProblem */
/** @typedef {Schemas["KitTimelineEntry"]} KitTimelineEntry */
/** @typedef {Node | string | null | undefined | false} Child */

const kit = "../_kit/";
const taskPage = 50;

const faultText = {
  "bad-sign": "Sign made with another key",
  expired: "ExpireTime in the past",
  "wrong-app": "another SdkAppId",
  malformed: "broken JSON or schema",
  "unknown-fields": "extra unknown fields",
};

const state = {
  /** @type {Map<string, KitTask>} */
  tasks: new Map(),
  /** @type {Map<string, KitDelivery>} */
  deliveries: new Map(),
  /** @type {Map<string, KitChaosBurst>} */
  bursts: new Map(),
  /** @type {KitSettings | undefined} */
  settings: undefined,
  /** @type {{ clock: KitClock, receivedAt: number } | undefined} */
  clock: undefined,
  loaded: false,
  shownTasks: taskPage,
};

// ---------------------------------------------------------------------------------------------
// DOM helpers

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{ new (): T, prototype: T }} type
 * @returns {T}
 */
function byId(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`tiw-push-kit dashboard: #${id} is missing`);
  return element;
}

/**
 * An element with attributes (`true` for a bare one, `false`/`undefined` for none) and children.
 * Text always goes in as text, never as HTML.
 * @param {string} tag
 * @param {Record<string, string | number | boolean | undefined>} [attributes]
 * @param {Child[]} [children]
 * @returns {HTMLElement}
 */
function h(tag, attributes = {}, children = []) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

/** @param {string} text */
function hidden(text) {
  return h("span", { class: "sr-only" }, [text]);
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
const dateFormat = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });

/** @param {number} ms virtual Unix milliseconds */
function time(ms) {
  const date = new Date(ms);
  return h("time", { datetime: date.toISOString(), title: date.toISOString() }, [timeFormat.format(date)]);
}

/** @param {number} ms */
function duration(ms) {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** @param {number} count @param {string} one @param {string} many */
function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

// ---------------------------------------------------------------------------------------------
// State: snapshots and changes merged so that an older copy never replaces a newer one

/** @param {KitDelivery | KitChaosDelivery} delivery */
function progressOf(delivery) {
  return delivery.attempts.length * 2 + (delivery.status === "pending" ? 0 : 1);
}

/** @param {KitTask} task */
function putTask(task) {
  const known = state.tasks.get(task.taskId);
  if (!known || task.timeline.length >= known.timeline.length) state.tasks.set(task.taskId, task);
}

/** @param {KitDelivery} delivery */
function putDelivery(delivery) {
  const known = state.deliveries.get(delivery.id);
  if (!known || progressOf(delivery) >= progressOf(known)) state.deliveries.set(delivery.id, delivery);
}

/** @param {KitChaosBurst} burst */
function putBurst(burst) {
  const known = state.bursts.get(burst.id);
  /** @param {KitChaosBurst} of */
  const progress = (of) => of.deliveries.reduce((sum, delivery) => sum + progressOf(delivery), 0);
  if (!known || progress(burst) >= progress(known)) state.bursts.set(burst.id, burst);
}

/** @param {KitChange} change */
function apply(change) {
  switch (change.type) {
    case "task":
      putTask(change.task);
      break;
    case "delivery":
      putDelivery(change.delivery);
      break;
    case "burst":
      putBurst(change.burst);
      break;
    case "settings":
      state.settings = change.settings;
      break;
    case "clock":
      state.clock = { clock: change.clock, receivedAt: Date.now() };
      break;
  }
  scheduleRender();
}

// ---------------------------------------------------------------------------------------------
// Talking to the stand-in

/**
 * @param {string} path below /_kit/
 * @param {RequestInit} [init]
 * @returns {Promise<unknown>}
 */
async function request(path, init) {
  const response = await fetch(kit + path, { ...init, headers: { accept: "application/json", ...(init?.body ? { "content-type": "application/json" } : {}) } });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    const problem = /** @type {Partial<KitProblem> | undefined} */ (body);
    throw new Error(problem?.message ?? `HTTP ${response.status} from /_kit/${path}`);
  }
  return body;
}

/** @param {string} path @param {object} [body] */
function post(path, body) {
  return request(path, { method: "POST", ...(body ? { body: JSON.stringify(body) } : {}) });
}

async function loadSnapshot() {
  const [settings, clock, tasks, deliveries, bursts] = await Promise.all([
    request("settings"),
    request("clock"),
    request("tasks"),
    request("deliveries"),
    request("chaos-bursts"),
  ]);
  state.settings = /** @type {KitSettings} */ (settings);
  state.clock = { clock: /** @type {KitClock} */ (clock), receivedAt: Date.now() };
  for (const task of /** @type {KitTask[]} */ (tasks)) putTask(task);
  for (const delivery of /** @type {KitDelivery[]} */ (deliveries)) putDelivery(delivery);
  for (const burst of /** @type {KitChaosBurst[]} */ (bursts)) putBurst(burst);
  state.loaded = true;
  scheduleRender();
}

function connect() {
  const events = new EventSource(kit + "events");
  const connection = byId("connection", HTMLElement);
  /** @param {"live" | "reconnecting"} status @param {string} text */
  const show = (status, text) => {
    connection.dataset.state = status;
    connection.textContent = text;
  };
  // Changes that arrive while the snapshot loads are merged with it, newest wins: nothing is lost.
  events.onopen = () => {
    show("live", "● Live");
    loadSnapshot().catch((/** @type {Error} */ error) => alertUser(`Could not load the stand-in's state: ${error.message}`));
  };
  events.onmessage = (message) => apply(/** @type {KitChange} */ (JSON.parse(message.data)));
  // EventSource reconnects by itself, every few seconds: no polling storm while the stand-in is down.
  events.onerror = () => show("reconnecting", "Reconnecting…");
}

// ---------------------------------------------------------------------------------------------
// Rendering

let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

function render() {
  // Cards are rebuilt when they change; the control that had the focus gets it back.
  const active = document.activeElement;
  const focusKey = active instanceof HTMLElement ? active.dataset.focus : undefined;
  const fallbackKey = active instanceof HTMLElement ? active.dataset.focusFallback : undefined;
  renderSettings();
  renderTasks();
  renderBursts();
  if (focusKey && !(document.activeElement instanceof HTMLElement && document.activeElement !== document.body)) {
    const again = document.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`) ?? (fallbackKey ? document.querySelector(`[data-focus="${CSS.escape(fallbackKey)}"]`) : null);
    if (again instanceof HTMLElement) again.focus();
  }
}

function renderSettings() {
  const { settings } = state;
  if (!settings) return;
  /** @param {string} name @param {Child[]} content */
  const set = (name, content) => {
    const cell = document.querySelector(`[data-setting="${name}"]`);
    if (cell) cell.replaceChildren(...content.filter((item) => item !== null && item !== undefined && item !== false));
  };
  set("callback", settings.callback ? [h("code", {}, [settings.callback])] : [h("span", { class: "missing" }, ["none: no callback is sent"])]);
  set("callbackKey", settings.callbackKey ? [h("code", {}, [settings.callbackKey]), " ", h("span", { class: "hint" }, ["(masked)"])] : [h("span", { class: "missing" }, ["none: callbacks go unsigned"])]);
  set("sdkAppId", [String(settings.sdkAppId)]);
  set("timeScale", [
    settings.timeScale === 0 ? "frozen: only POST /_kit/clock/advance moves it" : settings.timeScale === 1 ? "×1, real time" : `×${settings.timeScale}: task times run ahead of the wall clock`,
  ]);
  set("signatureVerification", [settings.signatureVerification ? `verified (SecretId ${settings.secretId ?? ""})` : "not verified"]);
  set("journal", [settings.journal === null ? "none: history ends with the process" : settings.journal === ":memory:" ? "in memory: history ends with the process" : h("code", {}, [settings.journal])]);
  renderClock();

  const hasKey = settings.callbackKey !== "";
  for (const box of document.querySelectorAll('#chaos-form input[name="fault"]')) {
    if (!(box instanceof HTMLInputElement) || (box.value !== "bad-sign" && box.value !== "expired")) continue;
    box.disabled = !hasKey;
    box.title = hasKey ? "" : "Needs a callback key";
  }
  byId("empty-callback", HTMLElement).textContent = settings.callback ? `The callback URL is set: ${settings.callback}.` : "No callback URL is set yet.";
}

function renderClock() {
  if (!state.clock) return;
  const { clock, receivedAt } = state.clock;
  const now = clock.now + (Date.now() - receivedAt) * clock.timeScale;
  const cell = document.querySelector('[data-setting="clock"]');
  // Task times are virtual; the wire (signatures, attempts) follows the wall clock. Say so when they part.
  const aheadSeconds = Math.round((now - Date.now()) / 1000);
  const ahead =
    aheadSeconds >= 1
      ? h("span", { class: "badge warn", "data-clock-ahead": String(aheadSeconds) }, [
          `${aheadText(aheadSeconds)} ahead of your wall clock: task times are virtual; callbacks are signed on the wall clock`,
        ])
      : null;
  if (cell) cell.replaceChildren(...[time(now), " ", h("span", { class: "hint" }, [dateFormat.format(new Date(now))]), ...(ahead ? [" ", ahead] : [])]);
}

/** @param {number} seconds */
function aheadText(seconds) {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

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
function taskCard(task, deliveries) {
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

/** @type {Map<string, { element: HTMLElement, version: string }>} */
const taskCards = new Map();

function renderTasks() {
  /** @type {Map<string, KitDelivery[]>} */
  const deliveriesOf = new Map();
  for (const delivery of state.deliveries.values()) deliveriesOf.set(delivery.taskId, [...(deliveriesOf.get(delivery.taskId) ?? []), delivery]);
  const ordered = [...state.tasks.values()].sort((a, b) => Number(Boolean(a.restored)) - Number(Boolean(b.restored)) || b.createdAt - a.createdAt);
  const shown = ordered.slice(0, state.shownTasks);
  const list = byId("task-list", HTMLElement);
  /** @type {Element | null} */
  let cursor = list.firstElementChild;
  const kept = new Set();
  for (const task of shown) {
    const deliveries = deliveriesOf.get(task.taskId) ?? [];
    const version = JSON.stringify([task, deliveries]);
    let card = taskCards.get(task.taskId);
    if (!card || card.version !== version) {
      const element = taskCard(task, deliveries);
      if (card) {
        if (cursor === card.element) cursor = element;
        card.element.replaceWith(element);
      }
      card = { element, version };
      taskCards.set(task.taskId, card);
    }
    kept.add(task.taskId);
    if (cursor === card.element) cursor = cursor.nextElementSibling;
    else list.insertBefore(card.element, cursor);
  }
  for (const [taskId, card] of taskCards) {
    if (kept.has(taskId)) continue;
    card.element.remove();
    taskCards.delete(taskId);
  }
  byId("task-count", HTMLElement).textContent = ordered.length ? `(${ordered.length})` : "";
  byId("empty", HTMLElement).hidden = !state.loaded || ordered.length > 0;
  const more = byId("more-tasks", HTMLButtonElement);
  more.hidden = ordered.length <= shown.length;
  more.textContent = `Show older tasks (${ordered.length - shown.length} more)`;
}

/** @param {KitChaosBurst} burst */
function burstCard(burst) {
  const answered = burst.deliveries.filter((delivery) => delivery.passed !== null);
  const failed = answered.filter((delivery) => delivery.passed === false).length;
  const pending = burst.deliveries.length - answered.length;
  // A restored burst sends nothing more: what was unanswered when its run ended stays so.
  const summary =
    pending > 0
      ? h("span", { class: "badge" }, [`${pending} of ${burst.deliveries.length} ${burst.restored ? "never answered" : "still sending"}`])
      : failed === 0
        ? h("span", { class: "badge ok" }, [`all ${burst.deliveries.length} answered as expected`])
        : h("span", { class: "badge bad" }, [`${failed} of ${burst.deliveries.length} not as expected`]);
  const titleId = `burst-${burst.id}`;
  return h("li", { class: "burst", "data-burst": burst.id }, [
    h("article", { "aria-labelledby": titleId }, [
      h("div", { class: "task-head" }, [
        h("h3", { id: titleId }, ["Chaos burst ", h("code", {}, [burst.id])]),
        summary,
        burst.restored ? h("span", { class: "badge" }, ["earlier run"]) : null,
      ]),
      h("p", { class: "meta" }, [h("span", {}, ["sent ", time(burst.createdAt)]), h("span", {}, ["to ", h("code", {}, [burst.target])])]),
      h("table", {}, [
        h("caption", { class: "sr-only" }, [`Callbacks of chaos burst ${burst.id}`]),
        h("thead", {}, [h("tr", {}, ["Fault", "Callback", "Expected", "Answer", "Verdict", "Body"].map((name) => h("th", { scope: "col" }, [name])))]),
        h(
          "tbody",
          {},
          burst.deliveries.map((delivery) => {
            const last = delivery.attempts.at(-1);
            const answer = !last ? "…" : last.status === null ? (last.error ?? "no answer") : `HTTP ${last.status} · ${duration(last.durationMs)}`;
            const verdict =
              delivery.passed === null
                ? h("span", { class: "badge" }, [delivery.status === "pending" && !burst.restored ? "sending…" : "no answer"])
                : delivery.passed
                  ? h("span", { class: "badge ok" }, ["✓ as expected"])
                  : h("span", { class: "badge bad" }, [delivery.expected === "rejected" ? "✗ forgery accepted" : "✗ refused a valid callback"]);
            return h("tr", { "data-fault": delivery.fault }, [
              h("td", {}, [h("code", {}, [delivery.fault]), h("span", { class: "hint block" }, [faultText[delivery.fault]])]),
              h("td", {}, [h("span", { class: "event-type" }, [delivery.eventType])]),
              h("td", {}, [delivery.expected === "rejected" ? "a 4xx" : "200"]),
              h("td", { class: "mono nowrap" }, [answer]),
              h("td", {}, [verdict]),
              h("td", {}, [
                h("button", { type: "button", class: "small", "data-action": "payload", "data-id": delivery.id, "data-focus": `payload:${delivery.id}` }, [
                  "Payload",
                  hidden(` of ${delivery.fault} ${delivery.eventType} in burst ${burst.id}`),
                ]),
              ]),
            ]);
          }),
        ),
      ]),
    ]),
  ]);
}

/** @type {Map<string, { element: HTMLElement, version: string }>} */
const burstCards = new Map();

function renderBursts() {
  const ordered = [...state.bursts.values()].sort((a, b) => Number(Boolean(a.restored)) - Number(Boolean(b.restored)) || b.createdAt - a.createdAt);
  const list = byId("burst-list", HTMLElement);
  const elements = ordered.map((burst) => {
    const version = JSON.stringify(burst);
    let card = burstCards.get(burst.id);
    if (!card || card.version !== version) {
      const element = burstCard(burst);
      card?.element.replaceWith(element);
      card = { element, version };
      burstCards.set(burst.id, card);
    }
    return card.element;
  });
  // Bursts are few: put them in order without moving the ones already in place.
  elements.forEach((element, index) => {
    if (list.children[index] !== element) list.insertBefore(element, list.children[index] ?? null);
  });
  byId("burst-count", HTMLElement).textContent = ordered.length ? `(${ordered.length})` : "";
  byId("no-bursts", HTMLElement).hidden = ordered.length > 0;
}

// ---------------------------------------------------------------------------------------------
// Notices

/** @param {string} text */
function tell(text) {
  byId("alert", HTMLElement).textContent = "";
  byId("notice", HTMLElement).textContent = text;
}

/** @param {string} text */
function alertUser(text) {
  byId("notice", HTMLElement).textContent = "";
  byId("alert", HTMLElement).textContent = text;
}

// ---------------------------------------------------------------------------------------------
// The payload dialog

/** @type {HTMLElement | null} */
let dialogOpener = null;

/** @param {string} deliveryId @param {HTMLElement} opener */
async function showPayload(deliveryId, opener) {
  const payload = /** @type {KitPayload} */ (await request(`deliveries/${encodeURIComponent(deliveryId)}/payload`));
  let pretty = payload.body;
  let parsed = true;
  try {
    pretty = JSON.stringify(JSON.parse(payload.body), null, 2);
  } catch {
    parsed = false;
  }
  byId("payload-title", HTMLElement).textContent = `Payload of ${deliveryId}`;
  const sent = state.deliveries.get(deliveryId) ?? [...state.bursts.values()].flatMap((burst) => burst.deliveries).find((delivery) => delivery.id === deliveryId);
  const answer = sent?.attempts.at(-1);
  const answered = !answer ? "" : answer.status === null ? `: ${answer.error ?? "no answer"}` : `, answered HTTP ${answer.status}`;
  byId("payload-meta", HTMLElement).replaceChildren(
    ...(payload.sentAt === null ? ["Not sent yet."] : [`Attempt ${payload.attempt}, sent at `, time(payload.sentAt), `${answered}.`]),
    payload.exact ? "" : " The exact body sent is not known: shown unsigned.",
    parsed ? "" : " Not valid JSON: shown as sent.",
  );
  const verdict = byId("payload-verdict", HTMLElement);
  const { signature } = payload;
  verdict.dataset.result = signature.result;
  verdict.textContent =
    signature.result === "valid"
      ? `✓ ${signature.message}`
      : signature.result === "invalid"
        ? `✗ Does not verify with the configured key (${signature.reason}): ${signature.message}`
        : signature.result === "unsigned"
          ? `Unsigned. ${signature.message}`
          : `Cannot be checked. ${signature.message}`;
  byId("payload-body", HTMLPreElement).textContent = pretty;
  byId("copy-status", HTMLElement).textContent = "";
  dialogOpener = opener;
  const dialog = byId("payload-dialog", HTMLDialogElement);
  dialog.showModal();
  byId("copy-payload", HTMLButtonElement).focus();
}

async function copyPayload() {
  const body = byId("payload-body", HTMLPreElement);
  const status = byId("copy-status", HTMLElement);
  try {
    await navigator.clipboard.writeText(body.textContent ?? "");
    status.textContent = "Copied to the clipboard.";
  } catch {
    // No clipboard access (an insecure origin, a denied permission): select it for Ctrl+C instead.
    window.getSelection()?.selectAllChildren(body);
    body.focus();
    status.textContent = "Selected: press Ctrl+C (⌘C) to copy.";
  }
}

// ---------------------------------------------------------------------------------------------
// Actions

/** @type {Record<string, (id: string) => Promise<string>>} */
const taskActionsById = {
  "start-now": async (id) => {
    putTask(/** @type {KitTask} */ (await post(`tasks/${encodeURIComponent(id)}/start`)));
    return `Task ${id} is PUSHING: WhiteboardPushStarted is on its way.`;
  },
  stop: async (id) => {
    putTask(/** @type {KitTask} */ (await post(`tasks/${encodeURIComponent(id)}/stop`)));
    return `Task ${id} stopped (USER_CALL): WhiteboardPushStopped is on its way.`;
  },
  timeout: async (id) => {
    putTask(/** @type {KitTask} */ (await post(`tasks/${encodeURIComponent(id)}/timeout`)));
    return `Task ${id} timed out (AUTO): WhiteboardPushStopped is on its way.`;
  },
  exception: async (id) => {
    putTask(/** @type {KitTask} */ (await post(`tasks/${encodeURIComponent(id)}/exception`)));
    return `Task ${id} ended with EXCEPTION: WhiteboardPushStopped is on its way.`;
  },
  resend: async (id) => {
    const delivery = /** @type {KitDelivery} */ (await post(`deliveries/${encodeURIComponent(id)}/resend`));
    putDelivery(delivery);
    return `Resending ${id} as ${delivery.id}, with the key configured now.`;
  },
};

/**
 * Runs `work` once at a time per button. The button is marked busy, not disabled: a disabled
 * button drops the keyboard focus, which would send a keyboard user back to the top of the page.
 * @param {HTMLButtonElement} button
 * @param {() => Promise<void>} work
 */
async function whileBusy(button, work) {
  if (button.getAttribute("aria-disabled") === "true") return;
  button.setAttribute("aria-disabled", "true");
  try {
    await work();
  } finally {
    button.removeAttribute("aria-disabled");
  }
}

/** @param {MouseEvent} event */
async function onClick(event) {
  const target = event.target instanceof Element ? event.target.closest("button[data-action]") : null;
  if (!(target instanceof HTMLButtonElement)) return;
  const action = target.dataset.action ?? "";
  const id = target.dataset.id ?? "";
  if (action === "more-tasks") {
    state.shownTasks += taskPage;
    scheduleRender();
    return;
  }
  await whileBusy(target, async () => {
    try {
      if (action === "payload") await showPayload(id, target);
      else {
        const run = taskActionsById[action];
        if (run) tell(await run(id));
      }
      scheduleRender();
    } catch (error) {
      alertUser(/** @type {Error} */ (error).message);
    }
  });
}

/** @param {SubmitEvent} event */
async function onStart(event) {
  event.preventDefault();
  const form = byId("start-form", HTMLFormElement);
  /** @type {Record<string, number>} */
  const body = {};
  for (const name of ["RoomId", "AutoStopTimeout"]) {
    const input = form.elements.namedItem(name);
    if (input instanceof HTMLInputElement && input.value !== "") body[name] = Number(input.value);
  }
  await whileBusy(byId("start-task", HTMLButtonElement), async () => {
    try {
      const task = /** @type {KitTask} */ (await post("tasks", body));
      putTask(task);
      const prepare = state.settings ? ` for ${state.settings.prepareSeconds} virtual s` : "";
      tell(`Started task ${task.taskId} (RoomId ${task.describe.RoomId}): PREPARED${prepare}, then PUSHING.`);
      scheduleRender();
    } catch (error) {
      alertUser(`Could not start a task: ${/** @type {Error} */ (error).message}`);
    }
  });
}

/** @param {SubmitEvent} event */
async function onChaos(event) {
  event.preventDefault();
  const form = byId("chaos-form", HTMLFormElement);
  const faults = [...form.querySelectorAll('input[name="fault"]')].filter((box) => box instanceof HTMLInputElement && box.checked && !box.disabled).map((box) => /** @type {HTMLInputElement} */ (box).value);
  if (faults.length === 0) {
    alertUser("Choose at least one fault for the chaos burst.");
    return;
  }
  const count = Number(byId("chaos-count", HTMLInputElement).value || "10");
  await whileBusy(byId("send-burst", HTMLButtonElement), async () => {
    try {
      const burst = /** @type {KitChaosBurst} */ (await post("chaos-bursts", { count, faults }));
      putBurst(burst);
      tell(`Chaos burst ${burst.id}: sending ${plural(burst.deliveries.length, "callback", "callbacks")} to ${burst.target}.`);
      scheduleRender();
    } catch (error) {
      alertUser(`Could not send a chaos burst: ${/** @type {Error} */ (error).message}`);
    }
  });
}

function main() {
  document.addEventListener("click", (event) => void onClick(event));
  byId("start-form", HTMLFormElement).addEventListener("submit", (event) => void onStart(event));
  byId("chaos-form", HTMLFormElement).addEventListener("submit", (event) => void onChaos(event));
  byId("copy-payload", HTMLButtonElement).addEventListener("click", () => void copyPayload());
  const dialog = byId("payload-dialog", HTMLDialogElement);
  byId("close-payload", HTMLButtonElement).addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    // Back to the button that opened it, or to its successor if the card was rebuilt meanwhile.
    const key = dialogOpener?.dataset.focus;
    const opener = dialogOpener?.isConnected ? dialogOpener : key ? document.querySelector(`[data-focus="${CSS.escape(key)}"]`) : null;
    if (opener instanceof HTMLElement) opener.focus();
    dialogOpener = null;
  });
  // The virtual clock ticks here, from its last known reading and scale: no request per second.
  setInterval(renderClock, 1000);
  connect();
}

main();
