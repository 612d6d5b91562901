import { defaultRateLimit } from "../../stand-in/http/rate-limiter.js";
import { defaultTiwApiPort, serveTiwApi } from "../../server/serve-tiw-api.js";
import type { KitChange } from "../../stand-in/types.js";
import { defaultSdkAppId } from "../../tiw/defaults.js";
import { defaultExpireWindowSeconds } from "../../tiw/time-rules.js";
import { aheadNote, defaultTimeScale, virtualTimeNote } from "../shared/virtual-time.js";
import { callbackKeyOption, defineCommand, intValue, numberValue, jsonOption, sdkAppIdOption, sdkAppIdValue, UsageError, write, type Output, writeSoon } from "../shared/command.js";
import { defaultServeJournalPath } from "../shared/default-journal-paths.js";
import { injectedFetch } from "../shared/injected-fetch.js";
import { loopback } from "../shared/loopback.js";
import { printable } from "../shared/printable.js";

const defaultPrepareSeconds = 1;

export const serveCommand = defineCommand({
  usage: "serve [--port 4010] [--host 127.0.0.1] [--sdk-app-id ID] [--callback URL] [--key K] [--time-scale X] [--secret-id ID --secret-key KEY]",
  description: [
    "Cloud API v3 on POST / (X-TC-Action: SetWhiteboardPushCallback, SetWhiteboardPushCallbackKey,",
    "DescribeWhiteboardPushCallback, StartWhiteboardPush, StopWhiteboardPush, DescribeWhiteboardPush),",
    "answered as Tencent does, errors included. A started task is PREPARED, then PUSHING (WhiteboardPushStarted",
    "is delivered), then STOPPED by StopWhiteboardPush (USER_CALL), by AutoStopTimeout idle seconds (AUTO) or by",
    "an injected fault (EXCEPTION), each delivering WhiteboardPushStopped through the delivery engine (signed,",
    "retried, journaled). With --secret-id and --secret-key, TC3-HMAC-SHA256 signatures are verified.",
    "Control surface under /_kit/: tasks, deliveries, clock/advance, fault injection, chaos bursts, events (SSE).",
    "Task times (Timestamp, PushStartTime, PushStopTime) follow a virtual clock (--time-scale, clock/advance) that",
    "may run ahead of the wall clock, and the output says how far; callbacks are always signed on the wall clock",
    "(ExpireTime = the later of send time and Timestamp, + --expire-window), so a receiver never sees them expired.",
    "Dashboard at /ui/: every task, callback and delivery live, and buttons to drive them.",
    "Each callback is journaled when it is produced: started again on the same --journal (after Ctrl-C, a crash",
    "or kill -9), serve sends what was left pending and goes on with the tasks still PREPARED or PUSHING.",
    "Runs until Ctrl-C.",
  ].join("\n"),
  options: {
    port: { type: "string", short: "p", valueName: "P", description: "Port to listen on (0: any free port)", defaultText: String(defaultTiwApiPort) },
    host: { type: "string", valueName: "HOST", description: "Address to bind; anything but loopback exposes it", defaultText: loopback },
    "sdk-app-id": { ...sdkAppIdOption, description: "The only SdkAppId the API accepts", defaultText: String(defaultSdkAppId) },
    callback: { type: "string", valueName: "URL", description: "Callback URL at start, as if set with SetWhiteboardPushCallback" },
    key: { ...callbackKeyOption, aliases: ["callback-key"], description: "Callback key at start, as if set with SetWhiteboardPushCallbackKey" },
    "secret-id": { type: "string", valueName: "ID", env: "TIW_SECRET_ID", description: "Verify TC3-HMAC-SHA256 signatures: the SecretId clients sign with" },
    "secret-key": { type: "string", valueName: "KEY", env: "TIW_SECRET_KEY", fromFile: true, description: "Verify TC3-HMAC-SHA256 signatures: the SecretKey clients sign with" },
    "reveal-key": {
      type: "boolean",
      description: "DescribeWhiteboardPushCallback answers the callback key in full without --secret-id too (anyone on this machine can then read it); masked by default",
    },
    "time-scale": {
      type: "string",
      valueName: "X",
      description: "Virtual seconds per real second of task times (0 freezes them; move them with POST /_kit/clock/advance); signatures follow the wall clock",
      defaultText: String(defaultTimeScale),
    },
    "prepare-seconds": { type: "string", valueName: "S", description: "Virtual seconds a task stays PREPARED", defaultText: String(defaultPrepareSeconds) },
    "rate-limit": { type: "string", valueName: "N", description: "Calls per second and action before RequestLimitExceeded (0: off)", defaultText: String(defaultRateLimit) },
    "expire-window": { type: "string", valueName: "SECONDS", description: "ExpireTime minus the wall-clock send time of the callbacks", defaultText: String(defaultExpireWindowSeconds) },
    retries: { type: "string", valueName: "N", description: "Retries of a callback after its first attempt", defaultText: "the delivery engine's" },
    timeout: { type: "string", valueName: "MS", description: "Timeout of one callback attempt, in milliseconds", defaultText: "the delivery engine's" },
    journal: { type: "string", valueName: "PATH", description: "SQLite journal of every callback and attempt (:memory: keeps none)", defaultText: defaultServeJournalPath },
    json: { ...jsonOption, description: "Print every change (task, delivery, setting, clock) as one JSON object per line" },
  },
  examples: [
    "tiw-push-kit serve --callback http://127.0.0.1:4020/tiw --key my-key",
    "tiw-push-kit serve --time-scale 60 --secret-id AKIDexample --secret-key example-secret-key",
    "curl -X POST http://127.0.0.1:4010/_kit/clock/advance -d '{\"seconds\":1800}'",
  ],
  async run({ values, io }) {
    const secretId = values["secret-id"];
    const secretKey = values["secret-key"];
    if ((secretId === undefined) !== (secretKey === undefined)) throw new UsageError("--secret-id and --secret-key go together (or TIW_SECRET_ID and TIW_SECRET_KEY)");
    const port = intValue("port", values.port, { min: 0, max: 65535 }) ?? defaultTiwApiPort;
    const host = values.host ?? loopback;
    const rateLimit = intValue("rate-limit", values["rate-limit"], { min: 0 });
    const callbackKey = values.key;
    const callback = values.callback;
    const options = {
      sdkAppId: sdkAppIdValue(values["sdk-app-id"]),
      callback,
      callbackKey,
      credentials: secretId !== undefined && secretKey !== undefined ? { secretId, secretKey } : undefined,
      ...(values["reveal-key"] ? { revealCallbackKey: true } : {}),
      timeScale: numberValue("time-scale", values["time-scale"]) ?? defaultTimeScale,
      prepareSeconds: numberValue("prepare-seconds", values["prepare-seconds"]) ?? defaultPrepareSeconds,
      rateLimit: rateLimit === 0 ? (false as const) : rateLimit,
      expireWindowSeconds: intValue("expire-window", values["expire-window"], { min: 1 }),
      retries: intValue("retries", values.retries, { min: 0, max: 100 }),
      timeoutMs: intValue("timeout", values.timeout, { min: 1 }),
      ...injectedFetch(io),
    };

    const journalPath = values.journal ?? defaultServeJournalPath;
    const server = await serveTiwApi({ ...options, port, host, journal: journalPath });
    const { api } = server;
    const unsubscribe = api.subscribe(values.json ? jsonPrinter(io.stdout) : linePrinter(io.stdout));
    try {
      const settings = api.settings();
      const lines = [
        `TIW API stand-in listening on ${server.url}/ (SdkAppId ${settings.sdkAppId}, TC3 signatures ${settings.signatureVerification ? "verified" : "not verified"})`,
        `  time: ${virtualTimeNote(settings.timeScale)}`,
        `  callback: ${settings.callback || "none yet (SetWhiteboardPushCallback)"}${settings.callbackKey ? ", key set" : ""}; journal: ${journalPath}`,
        `  control surface: ${server.url}/_kit/tasks, /_kit/deliveries, /_kit/clock/advance, /_kit/events`,
        `  dashboard: ${server.dashboardUrl}`,
      ];
      if (host !== loopback && host !== "::1" && host !== "localhost") lines.push(`  warning: bound to ${host}, which exposes the stand-in and its control surface beyond this machine`);
      await write(io.stderr, lines.join("\n") + "\n");
      await io.interrupted;
    } finally {
      unsubscribe();
      await server.close();
    }
    const pending = api.deliveries().filter((delivery) => delivery.status === "pending").length;
    await write(io.stderr, `stand-in stopped${pending ? `; ${pending} callback(s) still pending in ${journalPath}` : ""}\n`);
    return 0;
  },
});

/** Every change as one JSON object per line, for scripts. */
function jsonPrinter(output: Output) {
  return (change: KitChange) => writeSoon(output, JSON.stringify(change) + "\n");
}

/** One line per task step, settled delivery, setting and clock move; single attempts stay quiet. */
function linePrinter(output: Output) {
  return (change: KitChange) => {
    const line = lineOf(change);
    if (line) writeSoon(output, printable(line) + "\n");
  };
}

function lineOf(change: KitChange): string | undefined {
  switch (change.type) {
    case "task": {
      const { task } = change;
      const last = task.timeline.at(-1);
      if (!last || last.kind === "activity") return undefined;
      const reason = last.kind === "stopped" ? ` ${last.finishReason}` : "";
      return `task ${task.taskId} ${last.kind}${reason} (RoomId ${task.describe.RoomId}, ${task.describe.Status})`;
    }
    case "delivery": {
      const { delivery } = change;
      if (delivery.status === "pending") return undefined;
      const last = delivery.attempts.at(-1);
      const outcome = last?.status !== null && last?.status !== undefined ? `HTTP ${last.status}` : (last?.error ?? "no attempt");
      return `${delivery.status} ${delivery.eventType} of ${delivery.taskId} to ${delivery.target} (${outcome}, ${delivery.attempts.length} attempt(s))`;
    }
    case "settings":
      // The key is a secret: the log says whether one is set, never what it is.
      return `settings: callback ${change.settings.callback || "(none)"}, key ${change.settings.callbackKey ? "set" : "(none)"}`;
    case "clock":
      return `clock advanced to ${new Date(change.clock.now).toISOString()}${aheadNote(change.clock.aheadMs)}`;
    case "burst": {
      const { burst } = change;
      if (burst.deliveries.some((delivery) => delivery.status === "pending")) return undefined;
      const passed = burst.deliveries.filter((delivery) => delivery.passed).length;
      return `chaos burst ${burst.id} to ${burst.target}: ${passed} of ${burst.deliveries.length} callbacks answered as a correct receiver would`;
    }
  }
}
