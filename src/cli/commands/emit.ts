import { freshSeed } from "../../generate/generate.js";
import { defaultSdkAppId } from "../../tiw/defaults.js";
import { unixSeconds } from "../../tiw/time-rules.js";
import { createRandom } from "../../generate/random.js";
import { chaosKinds, defaultMaxDelayMs, planDeliveries } from "../../delivery/chaos.js";
import { forgedFaults } from "../../delivery/faults.js";
import { defineCommand, httpUrlValue, intValue, requireValue, sdkAppIdOption, sdkAppIdValue, UsageError, write } from "../shared/command.js";
import { chaosFlag } from "../shared/chaos-flag.js";
import { countOption, countValue } from "../shared/count-option.js";
import { defaultJournalPath } from "../shared/default-journal-paths.js";
import { deliveryOptions } from "../shared/delivery-options.js";
import { deliverySettings } from "../shared/delivery-settings.js";
import { selectionMatching } from "../shared/event-selection.js";
import { eventsFrom } from "../shared/events-from.js";
import { recordAndDeliver } from "../shared/record-and-deliver.js";
import { replanUnrecordedRuns } from "../shared/replan-unrecorded-runs.js";
import { recordedFlagsOf } from "../shared/recorded-delivery-flags.js";
import { resendFromJournal } from "../shared/resend-from-journal.js";
import { resumedValues } from "../shared/resumed-values.js";
import { retryPolicyText } from "../shared/retry-policy-text.js";
import { generatedPlan, planFormat } from "../shared/run-recipe.js";
import { defaultScenario, scenarioValue } from "../shared/scenario-value.js";

export const emitCommand = defineCommand({
  usage: "emit --target URL [--scenario S] [--count N] [--seed S] [--key KEY] [--chaos KIND=P,...] [--from FILE|-] [--resume]",
  description: [
    "Per task, WhiteboardPushStopped is sent only after its WhiteboardPushStarted was answered (unless",
    "--chaos reorder); different tasks go in parallel (--concurrency, --rate). ExpireTime and Sign are",
    "computed when an event is sent, and again at every retry, on the wall clock; Timestamp stays when the",
    "event happened. A generated run is a history that has just happened: its last event is stamped at the",
    "start of delivery (or --now), the others earlier, so no event arrives from the future or expired.",
    retryPolicyText,
    "",
    "--chaos injects faults, each with its own probability:",
    `  ${chaosKinds.filter((kind) => !(forgedFaults as readonly string[]).includes(kind)).join(", ")}, and the forgeries ${forgedFaults.join(", ")},`,
    "  sent as extra copies next to the real events; a correct receiver rejects every forgery.",
    "Every event and attempt is journaled: a generated run is planned and recorded in batches as it is sent,",
    "so memory stays flat and the first send comes at once however large --count is; bodies from --from are",
    "recorded whole before the first send. After Ctrl-C, a crash or a full disk, --resume sends what was",
    "pending (and the rest of a run stopped before its plan was recorded in full, planned again from its",
    "seed), with the delivery flags the run was started with (printed; never the key, which must be given",
    "again); flags given to --resume win. A journal write that fails stops the sends at once.",
    "After the summary, a hint on stderr when every delivery was answered 401 or an https target speaks plain HTTP.",
    "Exit 0 when every valid event was delivered and no forgery was accepted, 1 otherwise, 2 on bad usage, an",
    "unreachable target or a journal that cannot be used (in use by another process, damaged, not writable).",
  ].join("\n"),
  options: {
    ...deliveryOptions,
    scenario: { type: "string", valueName: "NAME", description: "Ending of each task: user-call, auto, exception or mixed", defaultText: defaultScenario },
    count: countOption,
    seed: { type: "string", valueName: "S", description: "Seed of the generated events and of the faults; the same seed and --now replay a run", defaultText: "a fresh one, printed" },
    "sdk-app-id": { ...sdkAppIdOption, defaultText: String(defaultSdkAppId) },
    now: { type: "string", valueName: "UNIX", description: "Unix seconds at which the generated history ends (its last Timestamp)", defaultText: "the current time" },
    chaos: { type: "string", valueName: "KIND=P,...", description: "Fault probabilities, e.g. duplicate=0.1,reorder=0.1,bad-sign=0.05" },
    "max-delay": { type: "string", valueName: "MS", description: "Longest delay injected by --chaos delay", defaultText: String(defaultMaxDelayMs) },
    from: { type: "string", valueName: "FILE", description: "Send these bodies (JSON or JSON Lines, - for stdin) instead of generated ones" },
    "keep-sign": { type: "boolean", description: "With --from: send ExpireTime and Sign as they are instead of re-signing" },
    resume: { type: "boolean", description: "Send the events the journal holds as pending (after Ctrl-C or a crash)" },
  },
  examples: [
    "tiw-push-kit emit --target http://127.0.0.1:4020/callback --key my-key --count 100 --concurrency 16",
    "tiw-push-kit emit --target http://127.0.0.1:4020/callback --key my-key --chaos duplicate=0.1,reorder=0.1,bad-sign=0.05",
    "tiw-push-kit generate --count 5 | tiw-push-kit emit --target http://127.0.0.1:4020/callback --key my-key --from -",
    "tiw-push-kit emit --resume --key my-key",
  ],
  async run({ values, io }) {
    const settings = deliverySettings(values);
    const key = values.key;
    const journalPath = values.journal ?? defaultJournalPath;
    if (values.resume) {
      const conflicting = (["from", "count", "scenario", "seed", "chaos", "now", "keep-sign"] as const).find((flag) => values[flag] !== undefined);
      if (conflicting) throw new UsageError(`--resume sends what the journal holds; it cannot be combined with --${conflicting}`);
      return resendFromJournal({
        io,
        values,
        settings,
        key,
        journalPath,
        async select(journal, problem) {
          await replanUnrecordedRuns(journal, io, problem);
          return selectionMatching(journal, { status: "pending" });
        },
        async settingsFor(journal, selection) {
          const resumed = await resumedValues(journal, selection.newest, values, io);
          return { values: resumed, settings: deliverySettings(resumed) };
        },
        nothingText: `nothing pending in ${journalPath}`,
      });
    }

    const target = requireValue("target", values.target, "the callback URL of your receiver, e.g. http://127.0.0.1:4020/callback");
    httpUrlValue("target", target);
    const chaos = chaosFlag(values.chaos);
    if (key === undefined && (chaos["bad-sign"] || chaos.expired)) throw new UsageError("--chaos bad-sign and expired need --key (or TIW_CALLBACK_KEY)");
    if (values["keep-sign"] && values.from === undefined) throw new UsageError("--keep-sign applies to bodies given with --from");
    const scenario = scenarioValue(values.scenario);
    const seed = values.seed ?? freshSeed();
    const now = intValue("now", values.now, { min: 0 }) ?? unixSeconds(Date.now());
    const maxDelayMs = intValue("max-delay", values["max-delay"], { min: 1 });
    const run = { io, values, settings, target, key, journalPath };
    if (values.from !== undefined) {
      const source = values.from === "-" ? "stdin" : values.from;
      const planned = planDeliveries(await eventsFrom(values.from, io), { chaos, random: createRandom(`${seed}:chaos`), maxDelayMs, keepSign: values["keep-sign"] === true, source });
      return recordAndDeliver({ ...run, recipe: { from: values.from, delivery: recordedFlagsOf(values) }, plan: { whole: planned } });
    }

    if (values.seed === undefined) await write(io.stderr, `seed ${seed} (replay this run with --seed ${seed} --now ${now})\n`);
    const count = countValue(values.count);
    const recipe = { planFormat, scenario, count, seed, now, sdkAppId: sdkAppIdValue(values["sdk-app-id"]) ?? defaultSdkAppId, chaos, ...(maxDelayMs !== undefined ? { maxDelayMs } : {}), target, hasKey: key !== undefined, delivery: recordedFlagsOf(values) };
    return recordAndDeliver({ ...run, recipe, plan: generatedPlan(recipe), replay: { seed, now } });
  },
});
