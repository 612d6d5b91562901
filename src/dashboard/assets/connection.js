// @ts-check
/* global EventSource, HTMLElement */
/** One server-sent event stream for every change, and a snapshot each time it (re)opens: no polling. */
import { byId } from "./dom.js";
import { kit, request } from "./kit-client.js";
import { alertUser } from "./notices.js";
import { scheduleRender } from "./render.js";
import { applyChange, putBurst, putDelivery, putTask, state } from "./state.js";

/** @typedef {import("./kit-types.js").KitTask} KitTask */
/** @typedef {import("./kit-types.js").KitDelivery} KitDelivery */
/** @typedef {import("./kit-types.js").KitChaosBurst} KitChaosBurst */
/** @typedef {import("./kit-types.js").KitSettings} KitSettings */
/** @typedef {import("./kit-types.js").KitClock} KitClock */
/** @typedef {import("./kit-types.js").KitChange} KitChange */

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

export function connect() {
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
  events.onmessage = (message) => {
    applyChange(/** @type {KitChange} */ (JSON.parse(message.data)));
    scheduleRender();
  };
  // EventSource reconnects by itself, every few seconds: no polling storm while the stand-in is down.
  events.onerror = () => show("reconnecting", "Reconnecting…");
}
