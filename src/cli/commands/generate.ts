import { freshSeed, generateEvents } from "../../generate/generate.js";
import { autoStopTimeoutRange, defaultAutoStopTimeout, defaultSdkAppId } from "../../tiw/defaults.js";
import { defaultExpireWindowSeconds, unixSeconds } from "../../tiw/time-rules.js";
import { callbackKeyOption, defineCommand, intValue, sdkAppIdOption, sdkAppIdValue, write } from "../shared/command.js";
import { countOption, countValue } from "../shared/count-option.js";
import { defaultScenario, scenarioValue } from "../shared/scenario-value.js";

const sliceLength = 8192;

export const generateCommand = defineCommand({
  usage: "generate [--scenario user-call|auto|exception|mixed] [--count N] [--seed S] [--key KEY] [--sdk-app-id ID] [--now UNIX]",
  description: [
    "Each push task gives a WhiteboardPushStarted and then its WhiteboardPushStopped (same TaskId, RoomId,",
    "PushUserId). Lines come in delivery order, one callback body per line. The history ends at --now (default",
    "the current time): no Timestamp lies after it, and with a key every event is signed as if sent then",
    "(ExpireTime = --now + --expire-window). The same --seed and --now give byte-identical output; without",
    "--seed a fresh one is drawn and printed on stderr. Without a key, ExpireTime and Sign are left out, as",
    "TIW does when no key is set. Lines are written as they are made, so memory stays flat however large",
    "--count is.",
  ].join("\n"),
  options: {
    scenario: { type: "string", valueName: "NAME", description: "Ending of each task: user-call, auto, exception or mixed", defaultText: defaultScenario },
    count: countOption,
    seed: { type: "string", valueName: "S", description: "Seed of the random choices", defaultText: "a fresh one, printed on stderr" },
    key: callbackKeyOption,
    "sdk-app-id": { ...sdkAppIdOption, defaultText: String(defaultSdkAppId) },
    now: { type: "string", valueName: "UNIX", description: "Unix seconds at which the history ends (its last Timestamp)", defaultText: "the current time" },
    "expire-window": { type: "string", valueName: "SECONDS", description: "ExpireTime minus --now", defaultText: String(defaultExpireWindowSeconds) },
    "auto-stop-timeout": { type: "string", valueName: "SECONDS", description: `AutoStopTimeout of the tasks, [${autoStopTimeoutRange.join(", ")}]`, defaultText: String(defaultAutoStopTimeout) },
  },
  examples: [
    "tiw-push-kit generate --scenario mixed --count 10 --seed 42 --key my-callback-key",
    "tiw-push-kit generate --scenario auto --count 3 --now 1700000000 > auto.jsonl",
  ],
  async run({ values, io }) {
    const seed = values.seed ?? freshSeed();
    const now = intValue("now", values.now, { min: 0 }) ?? unixSeconds(Date.now());
    if (values.seed === undefined) await write(io.stderr, `seed ${seed} (replay this output with --seed ${seed} --now ${now})\n`);
    const events = generateEvents({
      scenario: scenarioValue(values.scenario),
      count: countValue(values.count),
      seed,
      callbackKey: values.key,
      sdkAppId: sdkAppIdValue(values["sdk-app-id"]),
      now,
      expireWindowSeconds: intValue("expire-window", values["expire-window"], { min: 0 }),
      autoStopTimeout: intValue("auto-stop-timeout", values["auto-stop-timeout"], { min: autoStopTimeoutRange[0], max: autoStopTimeoutRange[1] }),
    });
    // Written as made, in slices of some 8000 characters: few writes, and little alive at any
    // moment. The slice being filled is what outlives each young-generation collection, and V8
    // grows that generation with what survives: slices of 1000 lines (300 kB) made a million-task
    // run take three times the memory of a small one.
    let slice = "";
    for (const event of events) {
      slice += JSON.stringify(event) + "\n";
      if (slice.length >= sliceLength) {
        await write(io.stdout, slice);
        slice = "";
      }
    }
    if (slice !== "") await write(io.stdout, slice);
    return 0;
  },
});
