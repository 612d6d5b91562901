import { freshSeed } from "../../generate/generate.js";
import { defaultSdkAppId } from "../../tiw/defaults.js";
import { defaultTiwApiPort } from "../../server/serve-tiw-api.js";
import { callbackKeyOption, defineCommand, httpUrlValue, intValue, numberValue, sdkAppIdOption, sdkAppIdValue } from "../shared/command.js";
import { chaosFlag } from "../shared/chaos-flag.js";
import { defaultJournalPath, defaultServeJournalPath } from "../shared/default-journal-paths.js";
import { rateFlag } from "../shared/rate-flag.js";
import { runStart } from "../shared/run-start.js";
import { defaultReceiverPort } from "../shared/serve-receiver.js";
import { taskEveryMs } from "../shared/stand-in-service.js";
import { defaultTimeScale } from "../shared/virtual-time.js";

/** The key `npm start` signs and verifies with when none is given: a local demo, not a secret. */
const localCallbackKey = "tiw-push-kit-local-key";
const defaultRate = 2;

export const startCommand = defineCommand({
  usage: "start [--target URL] [--receiver-port P] [--api-port P] [--rate EVENTS_PER_SECOND] [--chaos KIND=P,...] [--key KEY] [--verbose]",
  description: [
    "Everything listens on 127.0.0.1 only and runs on built-in defaults; Ctrl-C stops it cleanly. The",
    `TIW API stand-in (dashboard at /ui/) starts a push task every ${taskEveryMs / 1000} s and ends it by the stop API, a fault`,
    "or the idle timeout, delivering its callbacks to the receiver. The",
    "emitter sends signed, mixed Started/Stopped sequences to the reference receiver and journals them",
    "(`tiw-push-kit log` lists them). Events not yet sent at Ctrl-C stay pending: `emit --resume` sends them.",
  ].join("\n"),
  options: {
    target: { type: "string", valueName: "URL", description: "Your receiver's callback URL: drive it instead of starting the reference receiver (with --key, its key)" },
    "receiver-port": { type: "string", valueName: "P", description: "Port of the reference receiver (0: any free port)", defaultText: String(defaultReceiverPort) },
    "api-port": { type: "string", valueName: "P", description: "Port of the TIW API stand-in and its dashboard (0: any free port)", defaultText: String(defaultTiwApiPort) },
    key: { ...callbackKeyOption, description: "Callback key shared by the emitter and the receiver", defaultText: "a built-in local key" },
    "sdk-app-id": { ...sdkAppIdOption, defaultText: String(defaultSdkAppId) },
    rate: { type: "string", valueName: "EVENTS_PER_SECOND", description: "Pace of the continuous emitter", defaultText: String(defaultRate) },
    chaos: { type: "string", valueName: "KIND=P,...", description: "Faults the emitter injects (see emit --help)" },
    seed: { type: "string", valueName: "S", description: "Seed of the generated sequences and of the stand-in's traffic", defaultText: "a fresh one, printed" },
    "time-scale": {
      type: "string",
      valueName: "X",
      description: "Virtual seconds per real second of the stand-in: above 1, its task times run ahead of the wall clock (signatures never do)",
      defaultText: String(defaultTimeScale),
    },
    journal: { type: "string", valueName: "PATH", description: "Journal of the emitter's deliveries", defaultText: defaultJournalPath },
    "api-journal": { type: "string", valueName: "PATH", description: "Journal of the stand-in's callbacks", defaultText: defaultServeJournalPath },
    verbose: { type: "boolean", short: "v", description: "Print every delivery and every callback received" },
  },
  examples: ["npm start", "tiw-push-kit start --rate 20 --chaos duplicate=0.1,bad-sign=0.05 --verbose", "TIW_CALLBACK_KEY=my-key tiw-push-kit start --target http://127.0.0.1:3000/tiw/callback"],
  async run({ values, io }) {
    return runStart(
      {
        receiverPort: intValue("receiver-port", values["receiver-port"], { min: 0, max: 65535 }) ?? defaultReceiverPort,
        apiPort: intValue("api-port", values["api-port"], { min: 0, max: 65535 }) ?? defaultTiwApiPort,
        ...(values.target !== undefined ? { target: httpUrlValue("target", values.target) } : {}),
        callbackKey: values.key ?? localCallbackKey,
        demoKey: values.key === undefined,
        sdkAppId: sdkAppIdValue(values["sdk-app-id"]) ?? defaultSdkAppId,
        seed: values.seed ?? freshSeed(),
        rate: rateFlag(values.rate) ?? defaultRate,
        chaos: chaosFlag(values.chaos),
        chaosText: values.chaos,
        timeScale: numberValue("time-scale", values["time-scale"]) ?? defaultTimeScale,
        journalPath: values.journal ?? defaultJournalPath,
        apiJournalPath: values["api-journal"] ?? defaultServeJournalPath,
        verbose: values.verbose === true,
      },
      io,
    );
  },
});
