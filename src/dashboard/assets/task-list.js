// @ts-check
/* global window, setTimeout, clearTimeout, HTMLElement, HTMLButtonElement */
/**
 * The list of tasks, newest first: cards rebuilt only when their task or its deliveries change.
 * While the user reads or works in it (pointer over it, focus inside it, or scrolled down past its
 * top), new tasks do not push what they look at away: they wait, announced by a button, and come
 * in when the user asks or stops.
 */
import { byId, plural } from "./dom.js";
import { state } from "./state.js";
import { taskCard } from "./task-card.js";

/** @typedef {import("./kit-types.js").KitDelivery} KitDelivery */
/** @typedef {import("./kit-types.js").KitTask} KitTask */

/** @type {Map<string, { element: HTMLElement, version: string }>} */
const taskCards = new Map();
/** The tasks the list may show; any other is new and waits while the user interacts. */
const listed = new Set();
let waitingCount = 0;

/** @returns {KitTask[]} this run's tasks, then the earlier runs', each newest first */
function orderedTasks() {
  return [...state.tasks.values()].sort((a, b) => Number(Boolean(a.restored)) - Number(Boolean(b.restored)) || b.createdAt - a.createdAt);
}

/** Where the list starts to be seen: below its heading, which stays in view as the page scrolls. */
const visibleTop = () => byId("tasks-head", HTMLElement).getBoundingClientRect().bottom;

function userIsInteracting() {
  const list = byId("task-list", HTMLElement);
  return byId("tasks", HTMLElement).matches(":hover") || list.matches(":focus-within") || list.getBoundingClientRect().top < visibleTop() - 1;
}

/**
 * The card the user is looking at, and where it is on the screen: the one under the pointer or
 * with the focus, else the first one that starts in view (one cut at the top may still grow),
 * else the one filling the view.
 * @returns {{ element: Element, top: number } | undefined}
 */
function cardInView() {
  const list = byId("task-list", HTMLElement);
  const top = visibleTop();
  const cards = [...list.children];
  const element =
    list.querySelector(":scope > li:hover, :scope > li:focus-within") ??
    cards.find((card) => card.getBoundingClientRect().top >= top) ??
    cards.find((card) => card.getBoundingClientRect().bottom > top);
  return element && { element, top: element.getBoundingClientRect().top };
}

/**
 * Scrolls by as much as the card the user looked at moved, so that it stays where it was.
 * Browsers' own scroll anchoring cannot do it here: it may anchor to the other column, and cards
 * are replaced when they change (see `overflow-anchor` in the style sheet).
 * @param {{ element: Element, top: number } | undefined} looked
 * @param {string | undefined} taskId the task of that card, whose element may have been replaced
 */
function keepInPlace(looked, taskId) {
  const element = taskId ? taskCards.get(taskId)?.element : undefined;
  if (!looked || !element?.isConnected) return;
  const moved = element.getBoundingClientRect().top - looked.top;
  if (Math.abs(moved) >= 1) window.scrollBy(0, moved);
}

/**
 * Lets every task into the list; the next render shows them.
 * @returns {string | undefined} the newest of those that were waiting
 */
export function showWaitingTasks() {
  const newest = orderedTasks().find((task) => !listed.has(task.taskId));
  for (const task of state.tasks.values()) listed.add(task.taskId);
  return newest?.taskId;
}

/** Which tasks the list shows now: a new one waits if it would land above one shown while the user interacts. */
function admit(/** @type {KitTask[]} */ ordered) {
  if (listed.size === 0 || !userIsInteracting()) {
    for (const task of ordered) listed.add(task.taskId);
    return;
  }
  // Below the last card shown, a new one moves nothing the user sees.
  const lastListed = ordered.findLastIndex((task) => listed.has(task.taskId));
  for (const task of ordered.slice(lastListed + 1)) listed.add(task.taskId);
}

export function renderTasks() {
  /** @type {Map<string, KitDelivery[]>} */
  const deliveriesOf = new Map();
  for (const delivery of state.deliveries.values()) deliveriesOf.set(delivery.taskId, [...(deliveriesOf.get(delivery.taskId) ?? []), delivery]);
  const ordered = orderedTasks();
  admit(ordered);
  const admitted = ordered.filter((task) => listed.has(task.taskId));
  const shown = admitted.slice(0, state.shownTasks);
  const list = byId("task-list", HTMLElement);
  const looked = window.scrollY > 0 || userIsInteracting() ? cardInView() : undefined;
  const lookedAt = looked && [...taskCards].find(([, card]) => card.element === looked.element)?.[0];
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
  keepInPlace(looked, lookedAt);
  waitingCount = ordered.length - admitted.length;
  const waiting = byId("show-new-tasks", HTMLButtonElement);
  waiting.hidden = waitingCount === 0;
  // Back to its resting name when hidden, so that the next count is a change a screen reader announces.
  const announcement = waitingCount === 0 ? "Show new tasks" : `${plural(waitingCount, "new task", "new tasks")} — show`;
  if (waiting.textContent !== announcement) waiting.textContent = announcement;
  byId("task-count", HTMLElement).textContent = ordered.length ? `(${ordered.length})` : "";
  byId("empty", HTMLElement).hidden = !state.loaded || ordered.length > 0;
  const more = byId("more-tasks", HTMLButtonElement);
  more.hidden = admitted.length <= shown.length;
  more.textContent = `Show older tasks (${admitted.length - shown.length} more)`;
}

/**
 * Lets the waiting tasks in once the user stops interacting: the pointer leaves the list, the
 * focus leaves it, or the page is scrolled back to its top. A short pause first, so that a pointer
 * merely crossing an edge does not reshuffle the list.
 * @param {() => void} scheduleRender
 */
export function setUpTaskList(scheduleRender) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let pending;
  const later = () => {
    if (waitingCount === 0) return;
    clearTimeout(pending);
    pending = setTimeout(scheduleRender, 300);
  };
  byId("tasks", HTMLElement).addEventListener("pointerleave", later);
  byId("task-list", HTMLElement).addEventListener("focusout", later);
  window.addEventListener("scroll", later, { passive: true });
}
