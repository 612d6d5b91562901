import { createRandom } from "../../generate/random.js";
import { serveTiwApi } from "../../server/serve-tiw-api.js";
import { startTraffic } from "../../stand-in/http/start-traffic.js";
import { writeSoon } from "./command.js";
import { loopback } from "./loopback.js";
import type { StartService } from "./start-service.js";
import { virtualTimeNote } from "./virtual-time.js";

/** How often `start`'s stand-in starts a push task, in real time. */
export const taskEveryMs = 4000;

/**
 * The stand-in's tasks go idle for this many virtual seconds before AUTO, the API's minimum. At the
 * default time scale of 1 that is 5 real minutes: `start` does not accelerate by default, so every
 * callback on the wire is stamped with the receiver's own time (the emitter's generated histories
 * show AUTO endings from the first second).
 */
const autoStopTimeout = 300;
/** The stand-in's tasks that end by the stop API or a fault do so within this many real seconds. */
const endWithinSeconds = 20;

/** `start`'s TIW API stand-in with its dashboard, driven by traffic, delivering to the receiver started before it. */
export const standInService: StartService = {
  name: "api",
  async start({ io, settings, urls }) {
    const { callbackKey, sdkAppId, seed, timeScale, apiJournalPath } = settings;
    const server = await serveTiwApi({ port: settings.apiPort, host: loopback, sdkAppId, callback: urls.receiver, callbackKey, timeScale, journal: apiJournalPath });
    const traffic = startTraffic(server.api, {
      sdkAppId,
      random: createRandom(`${seed}:api`),
      everyMs: taskEveryMs,
      autoStopTimeout,
      // Well before the idle timeout, in real time, whatever the time scale.
      endWithinMs: Math.min(endWithinSeconds, autoStopTimeout / Math.max(timeScale, 1) / 2) * 1000,
      onError: (message) => writeSoon(io.stderr, `tiw-push-kit: stand-in traffic: ${message}\n`),
    });
    return {
      url: `${server.url}/`,
      description: `TIW API stand-in (${virtualTimeNote(timeScale)}), starting a push task every ${taskEveryMs / 1000} s; dashboard ${server.dashboardUrl ?? "off"}; journal ${apiJournalPath}`,
      status: () => `${traffic.counts.started} tasks started, ${traffic.counts.stopped} stopped by the API, ${traffic.counts.failed} failed`,
      async stop() {
        traffic.stop();
        await server.close();
      },
    };
  },
};
