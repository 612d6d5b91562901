import { createReceiver } from "../../receiver/reference-receiver.js";
import { defaultSdkAppId, freshSeed, generate } from "../../generate/generate.js";
import { createRandom } from "../../generate/random.js";
import { planDeliveries, type ChaosRates, type PlannedDelivery } from "../../delivery/chaos.js";
import { createDeliverer, type DeliveryOutcome } from "../../delivery/deliverer.js";
import { dispatch } from "../../delivery/dispatch.js";
import { openJournal, type Journal } from "../../store/index.js";
import { recordPlan } from "../../delivery/record-plan.js";
import { callbackKeyOption, defineCommand, intValue, numberValue, sdkAppIdOption, sdkAppIdValue, write, type Io, type Values } from "../shared/command.js";
import { chaosFlag, defaultJournalPath, injectedFetch, rateFlag } from "./emit.js";
import { defaultReceiverPort, listen, reporter } from "./receiver.js";
import { defaultTiwApiPort, serveTiwApi } from "../../server/serve-tiw-api.js";
import { defaultServeJournalPath } from "./serve.js";
import { startTraffic } from "../../stand-in/start-traffic.js";
import { virtualTimeNote } from "../shared/virtual-time.js";

/** The key `npm start` signs and verifies with when none is given: a local demo, not a secret. */
const localCallbackKey = "tiw-push-kit-local-key";
const loopback = "127.0.0.1";
const tasksPerBatch = 5;
const statusEveryMs = 10_000;

const startOptions = {
  "receiver-port": { type: "string", valueName: "P", description: "Port of the reference receiver (0: any free port)", defaultText: String(defaultReceiverPort) },
  "api-port": { type: "string", valueName: "P", description: "Port of the TIW API stand-in and its dashboard (0: any free port)", defaultText: String(defaultTiwApiPort) },
  key: { ...callbackKeyOption, description: "Callback key shared by the emitter and the receiver", defaultText: "a built-in local key" },
  "sdk-app-id": { ...sdkAppIdOption, defaultText: String(defaultSdkAppId) },
  rate: { type: "string", valueName: "EVENTS_PER_SECOND", description: "Pace of the continuous emitter", defaultText: "2" },
  chaos: { type: "string", valueName: "KIND=P,...", description: "Faults the emitter injects (see emit --help)" },
  seed: { type: "string", valueName: "S", description: "Seed of the generated sequences and of the stand-in's traffic", defaultText: "a fresh one, printed" },
  "time-scale": {
    type: "string",
    valueName: "X",
    description: "Virtual seconds per real second of the stand-in: above 1, its task times run ahead of the wall clock (signatures never do)",
    defaultText: "1",
  },
  journal: { type: "string", valueName: "PATH", description: "Journal of the emitter's deliveries", defaultText: defaultJournalPath },
  "api-journal": { type: "string", valueName: "PATH", description: "Journal of the stand-in's callbacks", defaultText: defaultServeJournalPath },
  verbose: { type: "boolean", short: "v", description: "Print every delivery and every callback received" },
} as const;

/** What every service of `start` gets: the shared settings, and the URLs of the services started before it. */
export interface StartContext {
  io: Io;
  values: Values<typeof startOptions>;
  callbackKey: string;
  sdkAppId: number;
  /** Printed at start, so a run's traffic can be replayed with --seed. */
  seed: string;
  urls: Record<string, string>;
}

export interface RunningService {
  url?: string;
  /** One line printed after the URL. */
  description: string;
  /** A short line printed every 10 s and at exit. */
  status?(): string;
  stop(): Promise<void>;
}

export interface StartService {
  name: string;
  start(context: StartContext): Promise<RunningService>;
}

const receiverService: StartService = {
  name: "receiver",
  async start({ io, values, callbackKey, sdkAppId }) {
    const port = intValue("receiver-port", values["receiver-port"], { min: 0, max: 65535 }) ?? defaultReceiverPort;
    const report = reporter(values.verbose ? io.stdout : { write: () => true }, false);
    const receiver = createReceiver({ callbackKey, sdkAppId, onEvent: report.accepted, onReject: report.rejected });
    const server = await listen(receiver.fetch, port, loopback);
    return {
      url: `${server.url}/`,
      description: `reference receiver (SdkAppId ${sdkAppId}); task state at ${server.url}/tasks`,
      status: () => `${report.counts.accepted} accepted (${report.counts.duplicates} duplicates), ${report.counts.rejected} rejected, ${receiver.tasks.size} tasks`,
      stop: () => server.close(),
    };
  },
};

const emitterService: StartService = {
  name: "emitter",
  async start({ io, values, callbackKey, sdkAppId, seed, urls }) {
    const target = urls.receiver;
    if (target === undefined) throw new Error("tiw-push-kit: the emitter needs the receiver started first");
    const rate = rateFlag(values.rate) ?? 2;
    const chaos = chaosFlag(values.chaos);
    const journalPath = values.journal ?? defaultJournalPath;
    const journal = openJournal(journalPath);
    const counts = { sent: 0, delivered: 0, failed: 0, forgedAccepted: 0 };
    const deliverer = createDeliverer({ target, callbackKey, journal, ...injectedFetch(io) });
    const stop = new AbortController();
    const onOutcome = (outcome: DeliveryOutcome) => {
      counts.sent += 1;
      if (outcome.status === "delivered") counts.delivered += 1;
      if (outcome.status === "failed") counts.failed += 1;
      if (outcome.status === "forged-accepted") counts.forgedAccepted += 1;
      if (values.verbose) void write(io.stdout, `emitter: ${outcome.status} ${outcome.statusCode ?? outcome.error} ${outcome.eventType} ${outcome.taskId}${outcome.fault ? ` [${outcome.fault}]` : ""}\n`);
    };
    // A failing emitter (a journal it cannot write) is reported and stops; it never takes `start` down.
    const running = dispatch(endlessPlan({ journal, target, sdkAppId, seed, chaos }), { deliverer, rate, signal: stop.signal, onOutcome }).catch(
      (error: unknown) => write(io.stderr, `tiw-push-kit: the emitter stopped: ${error instanceof Error ? error.message : String(error)}\n`),
    );
    return {
      description: `mixed sequences into the receiver, ${rate} events/s${values.chaos ? `, chaos ${values.chaos}` : ""}; journal ${journalPath}`,
      status: () =>
        `${counts.sent} sent, ${counts.delivered} delivered, ${counts.failed} failed${counts.forgedAccepted ? `, ${counts.forgedAccepted} forgeries accepted` : ""}`,
      async stop() {
        stop.abort();
        try {
          await running;
        } finally {
          await deliverer.close();
          journal.close();
        }
      },
    };
  },
};

/**
 * The stand-in's tasks go idle for this many virtual seconds before AUTO, the API's minimum. At the
 * default time scale of 1 that is 5 real minutes: `start` does not accelerate by default, so every
 * callback on the wire is stamped with the receiver's own time (the emitter's generated histories
 * show AUTO endings from the first second).
 */
const startAutoStopTimeout = 300;
/** The stand-in's tasks that end by the stop API or a fault do so within this many real seconds. */
const startEndWithinSeconds = 20;

const apiService: StartService = {
  name: "api",
  async start({ io, values, callbackKey, sdkAppId, seed, urls }) {
    const port = intValue("api-port", values["api-port"], { min: 0, max: 65535 }) ?? defaultTiwApiPort;
    const journalPath = values["api-journal"] ?? defaultServeJournalPath;
    const timeScale = numberValue("time-scale", values["time-scale"]) ?? 1;
    const server = await serveTiwApi({ port, host: loopback, sdkAppId, callback: urls.receiver, callbackKey, timeScale, journal: journalPath });
    const traffic = startTraffic(server.api, {
      sdkAppId,
      random: createRandom(`${seed}:api`),
      everyMs: 4000,
      autoStopTimeout: startAutoStopTimeout,
      // Well before the idle timeout, in real time, whatever the time scale.
      endWithinMs: Math.min(startEndWithinSeconds, startAutoStopTimeout / Math.max(timeScale, 1) / 2) * 1000,
      onError: (message) => void write(io.stderr, `tiw-push-kit: stand-in traffic: ${message}\n`),
    });
    return {
      url: `${server.url}/`,
      description: `TIW API stand-in (${virtualTimeNote(timeScale)}), starting a push task every 4 s; dashboard ${server.dashboardUrl ?? "off"}; journal ${journalPath}`,
      status: () => `${traffic.counts.started} tasks started, ${traffic.counts.stopped} stopped by the API, ${traffic.counts.failed} failed`,
      async stop() {
        traffic.stop();
        await server.close();
      },
    };
  },
};

/** Started in this order, stopped in reverse; a service can use the URLs of the ones before it. */
const startServices: StartService[] = [receiverService, apiService, emitterService];

export const startCommand = defineCommand({
  name: "start",
  summary: "Run the reference receiver, the TIW API stand-in with its dashboard, and live traffic into them, on 127.0.0.1 (npm start)",
  usage: "start [--receiver-port P] [--api-port P] [--rate EVENTS_PER_SECOND] [--chaos KIND=P,...] [--key KEY] [--verbose]",
  description: [
    "Everything listens on 127.0.0.1 only and runs on built-in defaults; Ctrl-C stops it cleanly. The",
    "TIW API stand-in (dashboard at /ui/) starts a push task every 4 s and ends it by the stop API, a fault",
    "or the idle timeout, delivering its callbacks to the receiver. The",
    "emitter sends signed, mixed Started/Stopped sequences to the reference receiver and journals them",
    "(`tiw-push-kit log` lists them). Events not yet sent at Ctrl-C stay pending: `emit --resume` sends them.",
  ].join("\n"),
  options: startOptions,
  examples: ["npm start", "tiw-push-kit start --rate 20 --chaos duplicate=0.1,bad-sign=0.05 --verbose"],
  async run({ values, io }) {
    const context: StartContext = {
      io,
      values,
      callbackKey: values.key ?? localCallbackKey,
      sdkAppId: sdkAppIdValue(values["sdk-app-id"]) ?? defaultSdkAppId,
      seed: values.seed ?? freshSeed(),
      urls: {},
    };
    const running: Array<{ name: string; service: RunningService }> = [];
    const stopAll = async () => {
      for (const { service } of [...running].reverse()) await service.stop();
    };
    try {
      for (const definition of startServices) {
        const service = await definition.start(context);
        running.push({ name: definition.name, service });
        if (service.url) context.urls[definition.name] = service.url;
      }
    } catch (error) {
      await stopAll();
      throw error;
    }
    const width = Math.max(...running.map(({ name }) => name.length)) + 2;
    await write(io.stdout, `tiw-push-kit is running on ${loopback}, seed ${context.seed} (Ctrl-C stops it):\n`);
    for (const { name, service } of running) {
      await write(io.stdout, `  ${name.padEnd(width)}${service.url ? `${service.url}  ` : ""}${service.description}\n`);
    }
    const statusLines = () => running.flatMap(({ name, service }) => (service.status ? [`  ${name.padEnd(width)}${service.status()}\n`] : [])).join("");
    const timer = setInterval(() => void write(io.stdout, statusLines()), statusEveryMs);
    timer.unref();
    await io.interrupted;
    clearInterval(timer);
    await write(io.stdout, "stopping...\n");
    await stopAll();
    await write(io.stdout, statusLines() + "stopped\n");
    return 0;
  },
});

interface EndlessPlanOptions {
  journal: Journal;
  target: string;
  sdkAppId: number;
  seed: string;
  chaos: ChaosRates;
}

/** Small batches of fresh tasks, recorded just before they are sent, for as long as it is pulled. */
async function* endlessPlan(options: EndlessPlanOptions): AsyncGenerator<PlannedDelivery> {
  const { journal, target, sdkAppId, seed, chaos } = options;
  const random = createRandom(`${seed}:chaos`);
  for (let batch = 1; ; batch++) {
    // A history that has just happened, generated as the previous batch runs out.
    const events = generate({ count: tasksPerBatch, seed: `${seed}:${batch}`, sdkAppId });
    yield* recordPlan(journal, planDeliveries(events, { chaos, random, source: "start" }), { target, hasKey: true });
  }
}
