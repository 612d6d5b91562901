// @ts-check
/* global HTMLElement, HTMLButtonElement, HTMLFormElement, HTMLInputElement */
/**
 * The callback URL and key, changed from the settings panel through `POST /_kit/settings`, which
 * checks them as the Cloud API does: a refusal shows the API's own message, next to the form.
 * The key goes out in the request and nowhere else: typed in a password field, emptied once saved.
 */
import { whileBusy } from "./busy.js";
import { byId } from "./dom.js";
import { post } from "./kit-client.js";
import { scheduleRender } from "./render.js";
import { state } from "./state.js";

/** @typedef {import("./kit-types.js").KitSettings} KitSettings */
/** @typedef {import("./kit-types.js").KitSettingsRequest} KitSettingsRequest */

/** @param {KitSettings} settings */
function savedText(settings) {
  const signed = settings.callbackKey ? `signed with the key ${settings.callbackKey}` : "unsigned";
  return settings.callback ? `Saved: callbacks go to ${settings.callback}, ${signed}.` : `Saved: no callback URL, so no callback is sent (${signed} when one is set).`;
}

/** @param {SubmitEvent} event */
async function saveCallback(event) {
  event.preventDefault();
  const url = byId("callback-url", HTMLInputElement);
  const key = byId("callback-key", HTMLInputElement);
  const removeKey = byId("remove-key", HTMLInputElement);
  const alert = byId("callback-alert", HTMLElement);
  const status = byId("callback-status", HTMLElement);
  /** @type {KitSettingsRequest} */
  const change = {};
  if (url.value !== state.settings?.callback) change.callback = url.value;
  if (removeKey.checked) change.callbackKey = "";
  else if (key.value !== "") change.callbackKey = key.value;
  if (Object.keys(change).length === 0) {
    alert.textContent = "";
    status.textContent = "Nothing to save: change the URL, type a new key, or remove the key.";
    return;
  }
  await whileBusy(byId("save-callback", HTMLButtonElement), async () => {
    try {
      const settings = /** @type {KitSettings} */ (await post("settings", change));
      state.settings = settings;
      key.value = "";
      key.disabled = false;
      removeKey.checked = false;
      url.value = settings.callback;
      url.dataset.synced = settings.callback;
      alert.textContent = "";
      status.textContent = savedText(settings);
      scheduleRender();
    } catch (error) {
      status.textContent = "";
      alert.textContent = /** @type {Error} */ (error).message;
    }
  });
}

export function setUpCallbackForm() {
  byId("callback-form", HTMLFormElement).addEventListener("submit", (event) => void saveCallback(event));
  const removeKey = byId("remove-key", HTMLInputElement);
  removeKey.addEventListener("change", () => {
    const key = byId("callback-key", HTMLInputElement);
    key.disabled = removeKey.checked;
    if (removeKey.checked) key.value = "";
  });
}
