import { sign } from "../../tiw/signing.js";
import { callbackKeyOption, defineCommand, intValue, jsonOption, requireValue, write } from "../shared/command.js";

export const signCommand = defineCommand({
  usage: "sign --key KEY --expire-time UNIX [--json]",
  options: {
    key: callbackKeyOption,
    "expire-time": { type: "string", valueName: "UNIX", description: "ExpireTime of the callback, in Unix seconds" },
    json: jsonOption,
  },
  examples: ["tiw-push-kit sign --key Xz4ZgayTr7rMgWQrH --expire-time 1588040109"],
  async run({ values, io }) {
    const key = requireValue("key", values.key, "pass --key or set TIW_CALLBACK_KEY");
    const expireTime = intValue("expire-time", requireValue("expire-time", values["expire-time"], "the ExpireTime to sign, in Unix seconds"), { min: 0 });
    if (expireTime === undefined) return 2;
    const signature = sign(key, expireTime);
    await write(io.stdout, values.json ? JSON.stringify({ ExpireTime: expireTime, Sign: signature }) + "\n" : signature + "\n");
    return 0;
  },
});
