import { defaultSdkAppId } from "../../tiw/defaults.js";
import { callbackKeyOption, defineCommand, intValue, jsonOption, sdkAppIdOption, sdkAppIdValue, write } from "../shared/command.js";
import { loopback } from "../shared/loopback.js";
import { defaultReceiverPort, serveReceiver } from "../shared/serve-receiver.js";

const unsignedWarning = "receiver runs unsigned (no --key or TIW_CALLBACK_KEY): anyone who can reach it can forge callbacks; set a callback key on TIW and here in production";

export const receiverCommand = defineCommand({
  usage: "receiver [--port P] [--key KEY] [--sdk-app-id ID] [--host HOST] [--json]",
  description: [
    "Serves the reference receiver (src/receiver/reference-receiver.ts): POST a callback to any path; it answers 200 {\"error_code\":0} to",
    "valid events (duplicates too, applied once), 401 to a bad, missing or expired signature, 403 to a",
    "foreign SdkAppId, 400 to a malformed body. Task state is at GET /tasks and /tasks/{TaskId}.",
    "Without --key (and TIW_CALLBACK_KEY) it runs unsigned, as TIW sends callbacks when no key is set: no Sign or",
    "ExpireTime, and a callback carrying them is refused with 401. Runs until Ctrl-C.",
  ].join("\n"),
  options: {
    port: { type: "string", short: "p", valueName: "P", description: "Port to listen on (0: any free port)", defaultText: String(defaultReceiverPort) },
    key: { ...callbackKeyOption, description: "Callback key the receiver verifies Sign with", defaultText: "none: unsigned" },
    "sdk-app-id": { ...sdkAppIdOption, description: "The only SdkAppId accepted", defaultText: String(defaultSdkAppId) },
    host: { type: "string", valueName: "HOST", description: "Address to bind; anything but loopback exposes it", defaultText: loopback },
    json: { ...jsonOption, description: "Print one JSON object per callback received" },
  },
  examples: ["tiw-push-kit receiver --port 4020 --key my-key --sdk-app-id 1400000001", "tiw-push-kit receiver --port 4020 --sdk-app-id 1400000001   # unsigned: no callback key set on TIW"],
  async run({ values, io }) {
    const server = await serveReceiver({
      callbackKey: values.key || undefined,
      port: intValue("port", values.port, { min: 0, max: 65535 }) ?? defaultReceiverPort,
      sdkAppId: sdkAppIdValue(values["sdk-app-id"]) ?? defaultSdkAppId,
      host: values.host ?? loopback,
      output: io.stdout,
      json: values.json === true,
    });
    if (!values.key) await write(io.stderr, `${unsignedWarning}\n`);
    await write(values.json ? io.stderr : io.stdout, `receiver listening on ${server.url}/ (callbacks: POST any path; task state: GET ${server.url}/tasks)\n`);
    await io.interrupted;
    await server.close();
    await write(io.stderr, `receiver stopped: ${server.counts.accepted} accepted (${server.counts.duplicates} duplicates), ${server.counts.rejected} rejected\n`);
    return 0;
  },
});
