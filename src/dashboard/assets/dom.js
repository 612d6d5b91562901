// @ts-check
/* global document */
/** DOM helpers of the dashboard: elements built from data, text always as text, and formats. */

/** @typedef {Node | string | null | undefined | false} Child */

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{ new (): T, prototype: T }} type
 * @returns {T}
 */
export function byId(id, type) {
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
export function h(tag, attributes = {}, children = []) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

/** Text for screen readers only. @param {string} text */
export function hidden(text) {
  return h("span", { class: "sr-only" }, [text]);
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
export const dateFormat = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });

/** @param {number} ms virtual Unix milliseconds */
export function time(ms) {
  const date = new Date(ms);
  return h("time", { datetime: date.toISOString(), title: date.toISOString() }, [timeFormat.format(date)]);
}

/** @param {number} ms */
export function duration(ms) {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** @param {number} count @param {string} one @param {string} many */
export function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}
