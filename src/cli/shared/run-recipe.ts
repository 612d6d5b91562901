import { chaosKinds, planDeliveryStream, type ChaosRates, type PlannedDelivery } from "../../delivery/chaos.js";
import { forgedFaults } from "../../delivery/faults.js";
import { generateEvents, scenarios, type Scenario } from "../../generate/generate.js";
import { createRandom } from "../../generate/random.js";
import { recordedFlagsFrom, type RecordedDeliveryFlags } from "./recorded-delivery-flags.js";

/**
 * The way this kit plans a generated run from its recipe. A run recorded in part is completed by
 * planning it again, which must give the same deliveries: a recipe of another format is not.
 */
export const planFormat = 2;

/** How `emit` planned a generated run: the same recipe gives the same plan. */
export interface GeneratedRecipe {
  /** `planFormat` of the kit that planned it; absent in runs whose plan was recorded whole. */
  planFormat?: number;
  scenario: Scenario;
  count: number;
  seed: string;
  /** Unix seconds at which the generated history ends. */
  now: number;
  sdkAppId: number;
  chaos: ChaosRates;
  maxDelayMs?: number;
  target: string;
  hasKey: boolean;
  /** The delivery flags the run was given; absent in runs journaled before they were kept. */
  delivery?: RecordedDeliveryFlags;
}

/**
 * How `emit` planned a run, kept in the journal with the run (never the key): a generated run can be
 * planned again from it, one of bodies from a file or stdin only named.
 */
export type RunRecipe = GeneratedRecipe | { from: string; delivery?: RecordedDeliveryFlags };

/**
 * The deliveries of a generated run, faults drawn from its seed, made one at a time as they are
 * pulled. `total` is their number when no fault adds copies.
 */
export function generatedPlan(recipe: GeneratedRecipe): { stream: Iterable<PlannedDelivery>; total?: number } {
  const { scenario, count, seed, now, sdkAppId, chaos, maxDelayMs } = recipe;
  // Unsigned: the deliverer signs every send with a fresh ExpireTime, so a signature made now would be
  // computed, journaled and then replaced for nothing.
  const events = generateEvents({ scenario, count, seed, sdkAppId, now });
  const stream = { [Symbol.iterator]: () => planDeliveryStream(events, { chaos, random: createRandom(`${seed}:chaos`), maxDelayMs, source: "generate" }) };
  const copies = (["duplicate", ...forgedFaults] as const).some((kind) => (chaos[kind] ?? 0) > 0);
  return copies ? { stream } : { stream, total: 2 * count };
}

/** A recipe read back from the journal; undefined when there is none or it is not one this kit wrote. */
export function recipeOf(text: string | undefined): RunRecipe | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const recipe = value as Partial<Record<keyof GeneratedRecipe | "from", unknown>>;
  // Flags that do not read back are left out: the run can still be planned again, with the defaults.
  const delivery = recordedFlagsFrom(recipe.delivery);
  if (typeof recipe.from === "string") return { from: recipe.from, ...(delivery ? { delivery } : {}) };
  const whole = (number: unknown) => Number.isSafeInteger(number);
  const chaosRates = (rates: unknown) =>
    typeof rates === "object" && rates !== null && Object.entries(rates).every(([kind, rate]) => (chaosKinds as readonly string[]).includes(kind) && typeof rate === "number");
  const generated =
    (scenarios as readonly unknown[]).includes(recipe.scenario) &&
    whole(recipe.count) &&
    typeof recipe.seed === "string" &&
    whole(recipe.now) &&
    whole(recipe.sdkAppId) &&
    chaosRates(recipe.chaos) &&
    (recipe.maxDelayMs === undefined || whole(recipe.maxDelayMs)) &&
    (recipe.planFormat === undefined || whole(recipe.planFormat)) &&
    typeof recipe.target === "string" &&
    typeof recipe.hasKey === "boolean";
  if (!generated) return undefined;
  const generatedRecipe = { ...(recipe as GeneratedRecipe) };
  delete generatedRecipe.delivery;
  return delivery ? { ...generatedRecipe, delivery } : generatedRecipe;
}
