// @ts-check
/* global document, CSS, Element, HTMLElement, HTMLButtonElement, HTMLFormElement, HTMLInputElement */
/** What the task buttons and the start form do: each calls a `/_kit/` endpoint and says what happened. */
import { whileBusy } from "./busy.js";
import { byId } from "./dom.js";
import { post } from "./kit-client.js";
import { alertUser, tell } from "./notices.js";
import { showPayload } from "./payload-dialog.js";
import { render, scheduleRender } from "./render.js";
import { putDelivery, putTask, state, taskPage } from "./state.js";
import { showWaitingTasks } from "./task-list.js";

/** @typedef {import("./kit-types.js").KitTask} KitTask */
/** @typedef {import("./kit-types.js").KitDelivery} KitDelivery */

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
  if (action === "show-new-tasks") {
    // The button goes away with the tasks it announced: the focus moves to the newest of them.
    const newest = showWaitingTasks();
    render();
    const heading = newest ? document.querySelector(`[data-focus="${CSS.escape(`task:${newest}`)}"]`) : null;
    if (heading instanceof HTMLElement) heading.focus();
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
      // Asking for a task is asking to see it, and with it any that arrived before.
      showWaitingTasks();
      const prepare = state.settings ? ` for ${state.settings.prepareSeconds} virtual s` : "";
      tell(`Started task ${task.taskId} (RoomId ${task.describe.RoomId}): PREPARED${prepare}, then PUSHING.`);
      scheduleRender();
    } catch (error) {
      alertUser(`Could not start a task: ${/** @type {Error} */ (error).message}`);
    }
  });
}

/** Wires the buttons (one listener for every card's) and the form that starts tasks. */
export function setUpActions() {
  document.addEventListener("click", (event) => void onClick(event));
  byId("start-form", HTMLFormElement).addEventListener("submit", (event) => void onStart(event));
}
