import { loopback } from "./loopback.js";
import { serveReceiver } from "./serve-receiver.js";
import type { StartService } from "./start-service.js";

/** `start`'s reference receiver, printing callbacks only with --verbose. */
export const receiverService: StartService = {
  name: "receiver",
  async start({ io, settings }) {
    const { callbackKey, sdkAppId, verbose } = settings;
    const output = verbose ? io.stdout : { write: () => true };
    const server = await serveReceiver({ callbackKey, sdkAppId, port: settings.receiverPort, host: loopback, output, json: false });
    return {
      url: `${server.url}/`,
      description: `reference receiver (SdkAppId ${sdkAppId}); task state at ${server.url}/tasks`,
      status: () => `${server.counts.accepted} accepted (${server.counts.duplicates} duplicates), ${server.counts.rejected} rejected, ${server.tasks.size} tasks`,
      stop: () => server.close(),
    };
  },
};
