// @ts-check
/* global HTMLElement */
/** The page-wide notice and alert, above the tasks. */
import { byId } from "./dom.js";

/** @param {string} text */
export function tell(text) {
  byId("alert", HTMLElement).textContent = "";
  byId("notice", HTMLElement).textContent = text;
}

/** @param {string} text */
export function alertUser(text) {
  byId("notice", HTMLElement).textContent = "";
  byId("alert", HTMLElement).textContent = text;
}
