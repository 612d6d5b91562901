import type { DeliveryValues } from "./delivery-options.js";

/** The delivery flags a run keeps in the journal so that `emit --resume` sends as it did: never the key. */
const recordedFlagNames = ["target", "expire-window", "concurrency", "rate", "profile", "timeout", "retries", "backoff", "backoff-max"] as const;

export type RecordedDeliveryFlags = Partial<Pick<DeliveryValues, (typeof recordedFlagNames)[number] | "header">>;

/** The recorded flags given on the command line, as given (absent ones stay absent: their defaults apply). */
export function recordedFlagsOf(values: DeliveryValues): RecordedDeliveryFlags {
  const given = recordedFlagNames.flatMap((name) => (values[name] === undefined ? [] : [[name, values[name]] as const]));
  return { ...Object.fromEntries(given), ...(values.header?.length ? { header: values.header } : {}) };
}

/** Recorded flags read back from a recipe; undefined when they are not what this kit writes. */
export function recordedFlagsFrom(value: unknown): RecordedDeliveryFlags | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const entries = Object.entries(value);
  const valid = entries.every(([name, flag]) =>
    name === "header" ? Array.isArray(flag) && flag.every((header) => typeof header === "string") : (recordedFlagNames as readonly string[]).includes(name) && typeof flag === "string",
  );
  return valid ? (value as RecordedDeliveryFlags) : undefined;
}

/** The flags as a command line would give them; header values hidden, as they may hold a gateway's token. */
export function recordedFlagsText(flags: RecordedDeliveryFlags): string {
  const named = recordedFlagNames.flatMap((name) => (flags[name] === undefined ? [] : [`--${name} ${flags[name]}`]));
  const headers = (flags.header ?? []).map((header) => `--header '${header.slice(0, Math.max(header.indexOf(":"), 0))}: …'`);
  return [...named, ...headers].join(" ") || "the defaults";
}
