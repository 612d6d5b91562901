import { sign, withSignature } from "../../tiw/signing.js";
import { defaultExpireWindowSeconds, expireTimeAt, unixSeconds } from "../../tiw/time-rules.js";
import { callbackKeyOption, defineCommand, intValue, jsonOption, requireValue, UsageError, write } from "../shared/command.js";

export const signCommand = defineCommand({
  usage: "sign --key KEY (--expire-time UNIX | --body FILE|-) [--expire-window SECONDS] [--json]",
  description: [
    "With --expire-time, prints the Sign for it. With --body, adds ExpireTime and Sign to each callback body",
    "of FILE (or standard input for -): one JSON body, an array of them, or JSON Lines; it prints one signed",
    "body per line, signed as the kit signs at sending: ExpireTime = max(now, Timestamp) + --expire-window.",
  ].join("\n"),
  options: {
    key: callbackKeyOption,
    "expire-time": { type: "string", valueName: "UNIX", description: "ExpireTime of the callback, in Unix seconds" },
    body: { type: "string", valueName: "FILE", description: "Sign these callback bodies (JSON or JSON Lines, - for stdin)" },
    "expire-window": { type: "string", valueName: "SECONDS", description: "With --body: ExpireTime minus the signing time", defaultText: String(defaultExpireWindowSeconds) },
    json: jsonOption,
  },
  examples: [
    "tiw-push-kit sign --key Xz4ZgayTr7rMgWQrH --expire-time 1588040109",
    "tiw-push-kit sign --key my-key --body stopped.json | curl -d @- http://127.0.0.1:3000/tiw/callback",
  ],
  async run({ values, io }) {
    const key = requireValue("key", values.key, "pass --key or set TIW_CALLBACK_KEY");
    if (values.body !== undefined && values["expire-time"] !== undefined) throw new UsageError("give either --expire-time or --body, not both");
    if (values.body !== undefined) {
      const window = intValue("expire-window", values["expire-window"], { min: 1 }) ?? defaultExpireWindowSeconds;
      const source = values.body;
      // Loaded only for --body: its file reading would slow the start of `--expire-time`, the common case.
      const { readSource, splitRecords } = await import("../shared/input.js");
      const records = splitRecords(await readSource(source, io), source === "-" ? "stdin" : source);
      if (records.length === 0) throw new UsageError(`no JSON bodies in ${source === "-" ? "standard input" : source}`);
      const now = unixSeconds(Date.now());
      const lines = records.map(({ location, raw, parseError }) => {
        if (parseError !== undefined) throw new UsageError(`${location} is not valid JSON: ${parseError}`);
        const body: unknown = JSON.parse(raw);
        if (typeof body !== "object" || body === null || Array.isArray(body)) throw new UsageError(`${location} is not a JSON object`);
        const timestamp = (body as { Timestamp?: unknown }).Timestamp;
        return JSON.stringify(withSignature(body, key, expireTimeAt(typeof timestamp === "number" ? timestamp : now, now, window)));
      });
      await write(io.stdout, lines.join("\n") + "\n");
      return 0;
    }
    const expireTime = intValue("expire-time", requireValue("expire-time", values["expire-time"], "the ExpireTime to sign in Unix seconds, or --body FILE"), { min: 0 });
    if (expireTime === undefined) return 2;
    const signature = sign(key, expireTime);
    await write(io.stdout, values.json ? JSON.stringify({ ExpireTime: expireTime, Sign: signature }) + "\n" : signature + "\n");
    return 0;
  },
});
