import { planDeliveries, type ChaosRates, type PlannedDelivery } from "../../delivery/chaos.js";
import { createDeliverer, type DeliveryOutcome } from "../../delivery/deliverer.js";
import { dispatch } from "../../delivery/dispatch.js";
import { recordPlan } from "../../delivery/record-plan.js";
import { generate } from "../../generate/generate.js";
import { createRandom } from "../../generate/random.js";
import { openJournal, type Journal } from "../../store/index.js";
import { write, writeSoon } from "./command.js";
import { injectedFetch } from "./injected-fetch.js";
import type { StartService } from "./start-service.js";

const tasksPerBatch = 5;

/** `start`'s continuous emitter: fresh signed sequences into the receiver started before it, journaled. */
export const emitterService: StartService = {
  name: "emitter",
  async start({ io, settings, urls }) {
    const target = urls.receiver;
    if (target === undefined) throw new Error("tiw-push-kit: the emitter needs the receiver started first");
    const { callbackKey, sdkAppId, seed, rate, chaos, journalPath, verbose } = settings;
    const journal = openJournal(journalPath);
    const counts = { sent: 0, delivered: 0, failed: 0, forgedAccepted: 0 };
    const deliverer = createDeliverer({ target, callbackKey, journal, ...injectedFetch(io) });
    const stop = new AbortController();
    const onOutcome = (outcome: DeliveryOutcome) => {
      counts.sent += 1;
      if (outcome.status === "delivered") counts.delivered += 1;
      if (outcome.status === "failed") counts.failed += 1;
      if (outcome.status === "forged-accepted") counts.forgedAccepted += 1;
      if (verbose) writeSoon(io.stdout, `emitter: ${outcome.status} ${outcome.statusCode ?? outcome.error} ${outcome.eventType} ${outcome.taskId}${outcome.fault ? ` [${outcome.fault}]` : ""}\n`);
    };
    // A failing emitter (a journal it cannot write) is reported and stops; it never takes `start` down.
    const running = dispatch(endlessPlan({ journal, target, sdkAppId, seed, chaos }), { deliverer, rate, signal: stop.signal, onOutcome }).catch(
      (error: unknown) => write(io.stderr, `tiw-push-kit: the emitter stopped: ${error instanceof Error ? error.message : String(error)}\n`),
    );
    return {
      description: `mixed sequences into the receiver, ${rate} events/s${settings.chaosText ? `, chaos ${settings.chaosText}` : ""}; journal ${journalPath}`,
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
