// @ts-check
/**
 * What the page knows of the stand-in: snapshots and changes merged so that an older copy never
 * replaces a newer one, whichever arrives last.
 */

/** @typedef {import("./kit-types.js").KitTask} KitTask */
/** @typedef {import("./kit-types.js").KitDelivery} KitDelivery */
/** @typedef {import("./kit-types.js").KitChaosBurst} KitChaosBurst */
/** @typedef {import("./kit-types.js").KitChaosDelivery} KitChaosDelivery */
/** @typedef {import("./kit-types.js").KitSettings} KitSettings */
/** @typedef {import("./kit-types.js").KitClock} KitClock */
/** @typedef {import("./kit-types.js").KitChange} KitChange */

export const taskPage = 50;

export const state = {
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

/** @param {KitDelivery | KitChaosDelivery} delivery */
function progressOf(delivery) {
  return delivery.attempts.length * 2 + (delivery.status === "pending" ? 0 : 1);
}

/** @param {KitTask} task */
export function putTask(task) {
  const known = state.tasks.get(task.taskId);
  if (!known || task.timeline.length >= known.timeline.length) state.tasks.set(task.taskId, task);
}

/** @param {KitDelivery} delivery */
export function putDelivery(delivery) {
  const known = state.deliveries.get(delivery.id);
  if (!known || progressOf(delivery) >= progressOf(known)) state.deliveries.set(delivery.id, delivery);
}

/** @param {KitChaosBurst} burst */
export function putBurst(burst) {
  const known = state.bursts.get(burst.id);
  /** @param {KitChaosBurst} of */
  const progress = (of) => of.deliveries.reduce((sum, delivery) => sum + progressOf(delivery), 0);
  if (!known || progress(burst) >= progress(known)) state.bursts.set(burst.id, burst);
}

/** @param {KitChange} change */
export function applyChange(change) {
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
}
