// @ts-check
/* global document, HTMLElement, HTMLInputElement */
/** The settings panel and the virtual clock, which ticks here from its last reading and scale. */
import { byId, dateFormat, h, time } from "./dom.js";
import { state } from "./state.js";

/** @typedef {import("./dom.js").Child} Child */
/** @typedef {import("./kit-types.js").KitSettings} KitSettings */

export function renderSettings() {
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
  syncCallbackForm(settings);
}

/**
 * The form starts from the settings in force, and follows them while the user has not edited
 * it (another client may change them meanwhile); an edit in progress is left alone.
 * @param {KitSettings} settings
 */
function syncCallbackForm(settings) {
  const url = byId("callback-url", HTMLInputElement);
  if (url.value === url.dataset.synced || url.value === settings.callback) {
    if (url.value !== settings.callback) url.value = settings.callback;
    url.dataset.synced = settings.callback;
  }
  byId("callback-key", HTMLInputElement).placeholder = settings.callbackKey ? `unchanged (${settings.callbackKey})` : "none: type one to sign callbacks";
}

export function renderClock() {
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
