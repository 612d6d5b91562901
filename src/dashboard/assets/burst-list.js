// @ts-check
/* global HTMLElement */
/** The chaos bursts, newest first: each callback's fault, what a correct receiver does, and the answer. */
import { answerText, burstCounts, expectedText, verdictBadge } from "./burst-verdict.js";
import { byId, h, hidden, time } from "./dom.js";
import { state } from "./state.js";

/** @typedef {import("./kit-types.js").KitChaosBurst} KitChaosBurst */

const faultText = {
  "bad-sign": "Sign made with another key",
  expired: "ExpireTime in the past",
  "wrong-app": "another SdkAppId",
  malformed: "broken JSON or schema",
  "unknown-fields": "extra unknown fields",
};

/** @param {KitChaosBurst} burst */
function burstCard(burst) {
  const { total, pending, failed } = burstCounts(burst);
  const summary =
    pending > 0
      ? h("span", { class: "badge" }, [`${pending} of ${total} ${burst.restored ? "never answered" : "still sending"}`])
      : failed === 0
        ? h("span", { class: "badge ok" }, [`all ${total} answered as expected`])
        : h("span", { class: "badge bad" }, [`${failed} of ${total} not as expected`]);
  const titleId = `burst-${burst.id}`;
  return h("li", { class: "burst", "data-burst": burst.id }, [
    h("article", { "aria-labelledby": titleId }, [
      h("div", { class: "task-head" }, [
        h("h3", { id: titleId }, ["Chaos burst ", h("code", {}, [burst.id])]),
        summary,
        burst.restored ? h("span", { class: "badge" }, ["earlier run"]) : null,
      ]),
      h("p", { class: "meta" }, [h("span", {}, ["sent ", time(burst.createdAt)]), h("span", {}, ["to ", h("code", {}, [burst.target])])]),
      h("table", {}, [
        h("caption", { class: "sr-only" }, [`Callbacks of chaos burst ${burst.id}`]),
        h("thead", {}, [h("tr", {}, ["Fault", "Callback", "Expected", "Answer", "Verdict", "Body"].map((name) => h("th", { scope: "col" }, [name])))]),
        h(
          "tbody",
          {},
          burst.deliveries.map((delivery) =>
            h("tr", { "data-fault": delivery.fault }, [
              h("td", {}, [h("code", {}, [delivery.fault]), h("span", { class: "hint block" }, [faultText[delivery.fault]])]),
              h("td", {}, [h("span", { class: "event-type" }, [delivery.eventType])]),
              h("td", {}, [expectedText(delivery)]),
              h("td", { class: "mono nowrap" }, [answerText(delivery)]),
              h("td", {}, [verdictBadge(delivery, Boolean(burst.restored))]),
              h("td", {}, [
                h("button", { type: "button", class: "small", "data-action": "payload", "data-id": delivery.id, "data-focus": `payload:${delivery.id}` }, [
                  "Payload",
                  hidden(` of ${delivery.fault} ${delivery.eventType} in burst ${burst.id}`),
                ]),
              ]),
            ]),
          ),
        ),
      ]),
    ]),
  ]);
}

/** @type {Map<string, { element: HTMLElement, version: string }>} */
const burstCards = new Map();

export function renderBursts() {
  const ordered = [...state.bursts.values()].sort((a, b) => Number(Boolean(a.restored)) - Number(Boolean(b.restored)) || b.createdAt - a.createdAt);
  const list = byId("burst-list", HTMLElement);
  const elements = ordered.map((burst) => {
    const version = JSON.stringify(burst);
    let card = burstCards.get(burst.id);
    if (!card || card.version !== version) {
      const element = burstCard(burst);
      card?.element.replaceWith(element);
      card = { element, version };
      burstCards.set(burst.id, card);
    }
    return card.element;
  });
  // Bursts are few: put them in order without moving the ones already in place.
  elements.forEach((element, index) => {
    if (list.children[index] !== element) list.insertBefore(element, list.children[index] ?? null);
  });
  byId("burst-count", HTMLElement).textContent = ordered.length ? `(${ordered.length})` : "";
  byId("no-bursts", HTMLElement).hidden = ordered.length > 0;
}
