// @ts-check
/* global document, window, navigator, CSS, HTMLElement, HTMLButtonElement, HTMLDialogElement, HTMLPreElement */
/** The payload dialog: the body a delivery sent, pretty-printed, its signature verdict, and a copy button. */
import { byId, time } from "./dom.js";
import { request } from "./kit-client.js";
import { state } from "./state.js";

/** @typedef {import("./kit-types.js").KitPayload} KitPayload */

/** @type {HTMLElement | null} */
let dialogOpener = null;

/** @param {string} deliveryId @param {HTMLElement} opener */
export async function showPayload(deliveryId, opener) {
  const payload = /** @type {KitPayload} */ (await request(`deliveries/${encodeURIComponent(deliveryId)}/payload`));
  let pretty = payload.body;
  let parsed = true;
  try {
    pretty = JSON.stringify(JSON.parse(payload.body), null, 2);
  } catch {
    parsed = false;
  }
  byId("payload-title", HTMLElement).textContent = `Payload of ${deliveryId}`;
  const sent = state.deliveries.get(deliveryId) ?? [...state.bursts.values()].flatMap((burst) => burst.deliveries).find((delivery) => delivery.id === deliveryId);
  const answer = sent?.attempts.at(-1);
  const answered = !answer ? "" : answer.status === null ? `: ${answer.error ?? "no answer"}` : `, answered HTTP ${answer.status}`;
  byId("payload-meta", HTMLElement).replaceChildren(
    ...(payload.sentAt === null ? ["Not sent yet."] : [`Attempt ${payload.attempt}, sent at `, time(payload.sentAt), `${answered}.`]),
    payload.exact ? "" : " The exact body sent is not known: shown unsigned.",
    parsed ? "" : " Not valid JSON: shown as sent.",
  );
  const verdict = byId("payload-verdict", HTMLElement);
  const { signature } = payload;
  verdict.dataset.result = signature.result;
  verdict.textContent =
    signature.result === "valid"
      ? `✓ ${signature.message}`
      : signature.result === "invalid"
        ? `✗ Does not verify with the configured key (${signature.reason}): ${signature.message}`
        : signature.result === "unsigned"
          ? `Unsigned. ${signature.message}`
          : `Cannot be checked. ${signature.message}`;
  byId("payload-body", HTMLPreElement).textContent = pretty;
  byId("copy-status", HTMLElement).textContent = "";
  dialogOpener = opener;
  const dialog = byId("payload-dialog", HTMLDialogElement);
  dialog.showModal();
  byId("copy-payload", HTMLButtonElement).focus();
}

async function copyPayload() {
  const body = byId("payload-body", HTMLPreElement);
  const status = byId("copy-status", HTMLElement);
  try {
    await navigator.clipboard.writeText(body.textContent ?? "");
    status.textContent = "Copied to the clipboard.";
  } catch {
    // No clipboard access (an insecure origin, a denied permission): select it for Ctrl+C instead.
    window.getSelection()?.selectAllChildren(body);
    body.focus();
    status.textContent = "Selected: press Ctrl+C (⌘C) to copy.";
  }
}

/** Wires the dialog's buttons; closing it gives the focus back to the button that opened it. */
export function setUpPayloadDialog() {
  byId("copy-payload", HTMLButtonElement).addEventListener("click", () => void copyPayload());
  const dialog = byId("payload-dialog", HTMLDialogElement);
  byId("close-payload", HTMLButtonElement).addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    // Back to the button that opened it, or to its successor if the card was rebuilt meanwhile.
    const key = dialogOpener?.dataset.focus;
    const opener = dialogOpener?.isConnected ? dialogOpener : key ? document.querySelector(`[data-focus="${CSS.escape(key)}"]`) : null;
    if (opener instanceof HTMLElement) opener.focus();
    dialogOpener = null;
  });
}
