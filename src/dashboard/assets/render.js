// @ts-check
/* global document, requestAnimationFrame, CSS, HTMLElement */
/** Draws the page from the state, at most once a frame, the focus kept where the user left it. */
import { renderBursts } from "./burst-list.js";
import { renderBurstResult } from "./burst-result.js";
import { renderSettings } from "./settings-view.js";
import { renderTasks } from "./task-list.js";

let renderQueued = false;
export function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

/** Draws the page now, rather than at the next frame: when the next step needs what it draws. */
export function render() {
  // Cards are rebuilt when they change; the control that had the focus gets it back.
  const active = document.activeElement;
  const focusKey = active instanceof HTMLElement ? active.dataset.focus : undefined;
  const fallbackKey = active instanceof HTMLElement ? active.dataset.focusFallback : undefined;
  renderSettings();
  renderTasks();
  renderBursts();
  renderBurstResult();
  if (focusKey && !(document.activeElement instanceof HTMLElement && document.activeElement !== document.body)) {
    const again = document.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`) ?? (fallbackKey ? document.querySelector(`[data-focus="${CSS.escape(fallbackKey)}"]`) : null);
    if (again instanceof HTMLElement) again.focus();
  }
}
