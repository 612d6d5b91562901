import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import {
  budgetsBeforeGivingUp,
  checks,
  defaultBudgetMs,
  formatResult,
  formatSummary,
  levels,
  planChecks,
  runContract,
  toJUnit,
  unreachableJUnit,
  UnreachableTargetError,
  type ContractOptions,
  type Level,
  type Prerequisite,
  defaultRecoveryWaitSeconds,
} from "../../../contract-tests/index.js";
import { freshSeed } from "../../generate/generate.js";
import { announcer } from "../shared/announcer.js";
import { callbackKeyOption, defineCommand, httpUrlValue, intValue, jsonOption, requireValue, sdkAppIdOption, UsageError, write } from "../shared/command.js";
import { headerOption, headerValues } from "../shared/header-flag.js";

const defaultLevel: Level = "basic";
const unsignedProfileNote =
  "unsigned profile (no --key or TIW_CALLBACK_KEY): callbacks are sent without Sign or ExpireTime, as TIW sends them when no callback key is set; the signature checks are skipped (not run)";
const nameWidth = Math.max(...checks.map((check) => check.name.length)) + 2;

const optionalTag: Record<Prerequisite, string> = { inspect: "optional: needs --inspect-url", hardened: "optional: --hardened", recovery: "optional: --recovery-api" };

function listing(): string {
  return checks
    .map((check) => {
      const tags = [check.level, check.needs ? optionalTag[check.needs] : ""].filter(Boolean).join(", ");
      return `${check.name.padEnd(nameWidth)}${check.description} [${tags}]\n`;
    })
    .join("");
}

export const verifyCommand = defineCommand({
  usage: "verify --target URL [--key KEY] --sdk-app-id ID [--level basic|strict] [--only CHECK,...] [--inspect-url URL] [--junit FILE] [--json]",
  description: [
    "Sends real and hostile callbacks to your receiver and checks each answer: valid callbacks of every ending",
    "get 200; bad, expired, foreign, unsigned, malformed and schema-invalid ones get a 4xx; unknown fields,",
    "duplicates and out-of-order callbacks are acknowledged; answers come within the time budget, also under a",
    "concurrent burst (strict). Prints one line per check, with what was sent, what came back and what was",
    "expected when a check fails. Exits 0 when no check fails, 1 when one does, 2 on bad usage or when the",
    "target cannot be reached. `--list` prints the checks.",
    "",
    "Timing: valid callbacks are signed when sent (ExpireTime = send time + 300 s) and belong to brief tasks that",
    "have just ended, so each arrives --event-age seconds after its Timestamp, plus its task's length for a",
    "Started sent with its Stopped: at most 305 s for an AUTO task's Started (AutoStopTimeout is at least",
    "300 s), 60 s for any other. A receiver that refuses a Timestamp older than 10 minutes passes.",
    "",
    "Without --key (and TIW_CALLBACK_KEY), the unsigned profile, for an app with no callback key set on TIW: callbacks",
    "are sent without Sign or ExpireTime, and rejects-bad-sign, rejects-expired and rejects-missing-sign are skipped",
    "as not run (the run is not complete; --require-all fails them).",
  ].join("\n"),
  options: {
    target: { type: "string", valueName: "URL", description: "Your receiver's callback URL, e.g. http://127.0.0.1:3000/tiw/callback" },
    key: { ...callbackKeyOption, description: "Callback key your receiver verifies Sign with; without one, the unsigned profile", defaultText: "none: unsigned profile" },
    "sdk-app-id": { ...sdkAppIdOption, description: "Your receiver's SdkAppId" },
    level: { type: "string", valueName: "LEVEL", description: `basic, or strict: adds the burst, the hardened check and requires the body {"error_code":0}`, defaultText: defaultLevel },
    only: { type: "string", valueName: "CHECK,...", description: "Run only these checks (comma-separated names, any level)" },
    "inspect-url": { type: "string", valueName: "URL", description: "URL template with {TaskId} answering your receiver's task state as JSON; enables the state checks" },
    hardened: { type: "boolean", description: "Your receiver confirms tasks with DescribeWhiteboardPush: at strict, also check it refuses unknown tasks" },
    "recovery-api": {
      type: "string",
      valueName: "URL",
      description: "The TIW API stand-in (serve, with your receiver as its callback URL) your receiver's TIW client calls: enables recovers-lost-callback",
    },
    "recovery-wait": { type: "string", valueName: "SECONDS", description: "How long your receiver has to ask DescribeWhiteboardPush after a lost Stopped", defaultText: String(defaultRecoveryWaitSeconds) },
    "announce-url": { type: "string", valueName: "URL", description: "POST each task's Started here before its callbacks, so your TIW API stand-in knows it" },
    timeout: {
      type: "string",
      valueName: "MS",
      aliases: ["timeout-ms"],
      description: "Time budget of each answer, in milliseconds; requests are abandoned after three times this",
      defaultText: String(defaultBudgetMs),
    },
    seed: { type: "string", valueName: "S", description: "Seed of task ids and data, to reproduce a run", defaultText: "a fresh one, printed" },
    "event-age": { type: "string", valueName: "SECONDS", description: "How long before it is sent each task's last callback happened", defaultText: "0" },
    junit: { type: "string", valueName: "FILE", description: "Also write the results as JUnit XML to FILE (folders created; written even when the receiver cannot be reached)" },
    header: headerOption,
    "require-all": { type: "boolean", description: "A check that could not run (e.g. the state checks without --inspect-url) fails the run instead of being skipped" },
    list: { type: "boolean", description: "List the checks with one line each, and exit" },
    json: jsonOption,
  },
  examples: [
    "tiw-push-kit verify --target http://127.0.0.1:3000/tiw/callback --key my-key --sdk-app-id 1400000001",
    "TIW_CALLBACK_KEY=my-key tiw-push-kit verify --target http://127.0.0.1:3000/tiw/callback --sdk-app-id 1400000001 --level strict \\",
    "    --inspect-url 'http://127.0.0.1:3000/tasks/{TaskId}' --junit contract.xml",
    "tiw-push-kit verify --list",
  ],
  async run({ values, io }) {
    if (values.list) {
      const rows = checks.map((check) => ({ name: check.name, description: check.description, level: check.level, optional: check.needs !== undefined, ...(check.needs ? { needs: check.needs } : {}) }));
      await write(io.stdout, values.json ? JSON.stringify(rows) + "\n" : listing());
      return 0;
    }
    const target = httpUrlValue("target", requireValue("target", values.target, "your receiver's callback URL"));
    const callbackKey = values.key || undefined;
    const sdkAppId = intValue("sdk-app-id", requireValue("sdk-app-id", values["sdk-app-id"], "your receiver's SdkAppId"), { min: 1 });
    if (sdkAppId === undefined) return 2;
    const level = values.level ?? defaultLevel;
    if (!(levels as readonly string[]).includes(level)) throw new UsageError(`--level must be one of ${levels.join(", ")}, got '${level}'`);
    const only = values.only?.split(",").map((name) => name.trim()).filter(Boolean);
    const unknown = only?.filter((name) => !checks.some((check) => check.name === name));
    if (unknown?.length) throw new UsageError(`unknown check ${unknown.map((name) => `'${name}'`).join(", ")}; see 'tiw-push-kit verify --list'`);
    const inspectUrl = values["inspect-url"];
    if (inspectUrl !== undefined && !inspectUrl.includes("{TaskId}")) throw new UsageError(`--inspect-url must contain {TaskId}, got '${inspectUrl}'`);
    const timeoutMs = intValue("timeout", values.timeout, { min: 1, max: 600_000 }) ?? defaultBudgetMs;
    const announceUrl = values["announce-url"] === undefined ? undefined : httpUrlValue("announce-url", values["announce-url"]);
    const recoveryApi = values["recovery-api"] === undefined ? undefined : httpUrlValue("recovery-api", values["recovery-api"]);
    const recoveryWait = intValue("recovery-wait", values["recovery-wait"], { min: 1, max: 3600 });
    const headers = headerValues(values.header);
    const eventAgeSeconds = intValue("event-age", values["event-age"], { min: 0, max: 86_400 });
    const seed = values.seed ?? freshSeed();
    if (values.seed === undefined) await write(io.stderr, `seed ${seed} (replay this run with --seed ${seed})\n`);
    if (callbackKey === undefined) await write(io.stderr, `${unsignedProfileNote}\n`);

    const options: ContractOptions = {
      target,
      ...(callbackKey === undefined ? { unsigned: true } : { callbackKey }),
      sdkAppId,
      level: level as Level,
      timeoutMs,
      fetch: io.fetch,
      hardened: values.hardened === true,
      requireAll: values["require-all"] === true,
      ...(headers ? { headers } : {}),
      ...(only ? { only } : {}),
      ...(inspectUrl === undefined ? {} : { inspect: inspectUrl }),
      ...(recoveryApi === undefined ? {} : { recovery: { api: recoveryApi, ...(recoveryWait === undefined ? {} : { waitSeconds: recoveryWait }) } }),
      ...(announceUrl === undefined ? {} : { announce: announcer(announceUrl, io, budgetsBeforeGivingUp * timeoutMs) }),
      seed,
      ...(eventAgeSeconds === undefined ? {} : { eventAgeSeconds }),
    };
    const planned = planChecks(options).length;
    const interrupt = new AbortController();
    void io.interrupted.then(() => interrupt.abort());
    // On a terminal, show which check is running: a check against a slow receiver can take a while.
    const progress = io.stderr.isTTY === true;
    let report;
    try {
      report = await runContract(options, {
        signal: interrupt.signal,
        onStart: progress ? (check, index) => void io.stderr.write(`\r\x1b[K[${index}/${planned}] ${check.name}…`) : undefined,
        onResult: async (result) => {
          if (progress) io.stderr.write("\r\x1b[K");
          if (!values.json) await write(io.stdout, formatResult(result, nameWidth));
        },
      });
    } catch (error) {
      if (!(error instanceof UnreachableTargetError)) throw error;
      // A CI reporter must find a report that says why, not nothing.
      if (values.junit !== undefined) await writeJUnit(values.junit, unreachableJUnit(target, error.message));
      await write(io.stderr, `${error.message}\nIs your receiver running? Start it first, then run verify.\n`);
      return 2;
    }
    if (values.junit !== undefined) await writeJUnit(values.junit, toJUnit(report));
    await write(io.stdout, values.json ? JSON.stringify(report) + "\n" : formatSummary(report));
    return report.ok ? 0 : 1;
  },
});

async function writeJUnit(path: string, xml: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, xml);
  } catch (error) {
    throw new UsageError(`cannot write --junit ${path}: ${(error as Error).message}`);
  }
}
