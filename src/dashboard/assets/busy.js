// @ts-check
/** One run at a time per button, its focus kept. */

/**
 * Runs `work` once at a time per button. The button is marked busy, not disabled: a disabled
 * button drops the keyboard focus, which would send a keyboard user back to the top of the page.
 * @param {HTMLButtonElement} button
 * @param {() => Promise<void>} work
 */
export async function whileBusy(button, work) {
  if (button.getAttribute("aria-disabled") === "true") return;
  button.setAttribute("aria-disabled", "true");
  try {
    await work();
  } finally {
    button.removeAttribute("aria-disabled");
  }
}
