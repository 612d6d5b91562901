// @ts-check
/**
 * What a chaos burst's callbacks came to, in words: the answer each got and whether a correct
 * receiver would have given it. Shared by the result next to the form and the list of bursts.
 */
import { duration, h } from "./dom.js";

/** @typedef {import("./kit-types.js").KitChaosBurst} KitChaosBurst */
/** @typedef {import("./kit-types.js").KitChaosDelivery} KitChaosDelivery */

/** What a correct receiver answers. @param {KitChaosDelivery} delivery */
export function expectedText(delivery) {
  return delivery.expected === "rejected" ? "a 4xx" : "200";
}

/** The receiver's last answer: its status, or why there was none. @param {KitChaosDelivery} delivery */
export function answerStatus(delivery) {
  const last = delivery.attempts.at(-1);
  if (!last) return "…";
  return last.status === null ? (last.error ?? "no answer") : `HTTP ${last.status}`;
}

/** The last answer with its latency. @param {KitChaosDelivery} delivery */
export function answerText(delivery) {
  const last = delivery.attempts.at(-1);
  return last?.status ? `${answerStatus(delivery)} · ${duration(last.durationMs)}` : answerStatus(delivery);
}

/**
 * Passed, failed and why, or still sending; a restored burst sends nothing more, so what was
 * unanswered when its run ended stays so.
 * @param {KitChaosDelivery} delivery
 * @param {boolean} restored
 */
export function verdictBadge(delivery, restored) {
  if (delivery.passed === null) return h("span", { class: "badge" }, [delivery.status === "pending" && !restored ? "sending…" : "no answer"]);
  if (delivery.passed) return h("span", { class: "badge ok" }, ["✓ as expected"]);
  const status = delivery.attempts.at(-1)?.status ?? null;
  const why = status === null ? "no answer" : delivery.expected === "accepted" ? "valid callback refused" : status === 200 ? "forgery accepted" : "forgery not refused with a 4xx";
  return h("span", { class: "badge bad" }, [`✗ ${why}`]);
}

/** How many callbacks of the burst are still unanswered, and how many were not answered as expected. @param {KitChaosBurst} burst */
export function burstCounts(burst) {
  const pending = burst.deliveries.filter((delivery) => delivery.passed === null).length;
  const failed = burst.deliveries.filter((delivery) => delivery.passed === false).length;
  return { total: burst.deliveries.length, pending, failed };
}
