// @ts-check
/* global HTMLElement, HTMLButtonElement, HTMLFormElement, HTMLInputElement */
/** The chaos burst form: sends the burst; its result and any refusal appear next to it. */
import { showBurstResult } from "./burst-result.js";
import { whileBusy } from "./busy.js";
import { byId } from "./dom.js";
import { post } from "./kit-client.js";
import { scheduleRender } from "./render.js";
import { putBurst } from "./state.js";

/** @typedef {import("./kit-types.js").KitChaosBurst} KitChaosBurst */

/** @param {SubmitEvent} event */
async function sendBurst(event) {
  event.preventDefault();
  const form = byId("chaos-form", HTMLFormElement);
  const faults = [...form.querySelectorAll('input[name="fault"]')].filter((box) => box instanceof HTMLInputElement && box.checked && !box.disabled).map((box) => /** @type {HTMLInputElement} */ (box).value);
  const alert = byId("chaos-alert", HTMLElement);
  if (faults.length === 0) {
    alert.textContent = "Choose at least one fault for the chaos burst.";
    return;
  }
  const count = Number(byId("chaos-count", HTMLInputElement).value || "10");
  await whileBusy(byId("send-burst", HTMLButtonElement), async () => {
    try {
      const burst = /** @type {KitChaosBurst} */ (await post("chaos-bursts", { count, faults }));
      alert.textContent = "";
      putBurst(burst);
      showBurstResult(burst);
      scheduleRender();
    } catch (error) {
      alert.textContent = `Could not send a chaos burst: ${/** @type {Error} */ (error).message}`;
    }
  });
}

export function setUpBurstForm() {
  byId("chaos-form", HTMLFormElement).addEventListener("submit", (event) => void sendBurst(event));
}
