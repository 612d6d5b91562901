// @ts-check
/* global HTMLElement */
/**
 * The result of the chaos burst sent from the form, next to it: while callbacks are unanswered it
 * says it is sending and how far it got; once the last one is answered, the verdict of each.
 */
import { answerStatus, answerText, burstCounts, expectedText, verdictBadge } from "./burst-verdict.js";
import { byId, h, plural } from "./dom.js";
import { state } from "./state.js";

/** @typedef {import("./kit-types.js").KitChaosBurst} KitChaosBurst */

/** The burst this page sent last, and whether its result has yet to be brought into view. */
const shown = { id: "", version: "", reveal: false };

/** Shows `burst` (just sent) next to the form from now on. @param {KitChaosBurst} burst */
export function showBurstResult(burst) {
  Object.assign(shown, { id: burst.id, version: "", reveal: true });
}

export function renderBurstResult() {
  const burst = state.bursts.get(shown.id);
  if (!burst) return;
  const { total, pending, failed } = burstCounts(burst);
  const status = byId("burst-status", HTMLElement);
  // One line each, so that the result does not grow when it settles and stays where it was brought into view.
  const text = pending > 0 ? `Sending ${plural(total, "callback", "callbacks")}…` : failed === 0 ? `✓ All ${total} answered as expected.` : `✗ ${failed} of ${total} not answered as expected.`;
  // Written only when it changes, so that a screen reader hears it once: sending, then the verdict.
  if (status.textContent !== text) status.textContent = text;
  status.dataset.result = pending > 0 ? "sending" : failed === 0 ? "ok" : "bad";

  const version = JSON.stringify(burst);
  if (version === shown.version) return;
  shown.version = version;
  byId("burst-detail", HTMLElement).replaceChildren(
    pending > 0
      ? h("p", { class: "burst-progress" }, [
          h("progress", { max: total, value: total - pending, "aria-label": "Callbacks answered" }),
          h("span", {}, [`${total - pending} of ${total} answered`]),
        ])
      : "",
    h("table", { class: "verdicts" }, [
      h("caption", { class: "sr-only" }, [`Callbacks of chaos burst ${burst.id}`]),
      h("thead", {}, [h("tr", {}, ["Fault", "Expected", "Answer", "Result"].map((name) => h("th", { scope: "col" }, [name])))]),
      h(
        "tbody",
        {},
        burst.deliveries.map((delivery) =>
          h("tr", { "data-fault": delivery.fault }, [
            h("td", {}, [h("code", {}, [delivery.fault])]),
            h("td", {}, [expectedText(delivery)]),
            h("td", { class: "mono", title: answerText(delivery) }, [answerStatus(delivery)]),
            h("td", {}, [verdictBadge(delivery, false)]),
          ]),
        ),
      ),
    ]),
    h("p", { class: "hint" }, [h("a", { href: `#burst-${burst.id}` }, ["Details and payloads"]), ` of burst ${burst.id} in Chaos bursts.`]),
  );
  if (shown.reveal) {
    shown.reveal = false;
    byId("burst-result", HTMLElement).scrollIntoView({ block: "nearest" });
  }
}
