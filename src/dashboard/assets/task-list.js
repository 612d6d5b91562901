// @ts-check
/* global HTMLElement, HTMLButtonElement */
/** The list of tasks, newest first: cards rebuilt only when their task or its deliveries change. */
import { byId } from "./dom.js";
import { state } from "./state.js";
import { taskCard } from "./task-card.js";

/** @typedef {import("./kit-types.js").KitDelivery} KitDelivery */

/** @type {Map<string, { element: HTMLElement, version: string }>} */
const taskCards = new Map();

export function renderTasks() {
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
