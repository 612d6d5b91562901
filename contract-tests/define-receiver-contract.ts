import { describe, it } from "vitest";
import { formatEvidence } from "./format-result.js";
import { defaultBudgetMs, openSession, planChecks, runCheck, type ContractOptions } from "./run-contract.js";
import { budgetsBeforeGivingUp, type Session } from "./session.js";

export interface ReceiverContractOptions extends Omit<ContractOptions, "target"> {
  /**
   * The receiver's callback URL, or a function giving it, read when the first check runs: so a
   * server started in `beforeAll` (on port 0) can be used. For a handler that is created later, pass
   * `handler: (request) => receiver.fetch(request)`.
   */
  target?: string | (() => string);
  /** Title of the `describe` block (default "TIW whiteboard push receiver contract"). */
  name?: string;
  /** Timeout of each test in milliseconds (default the larger of 30 s and ten request timeouts). */
  testTimeout?: number;
}

/**
 * Registers the receiver contract in a vitest suite: one `it` per check, named after it, failing
 * with the evidence (what was sent, what came back, what was expected). Optional checks whose
 * prerequisite is missing are registered as skipped; warnings become test annotations.
 *
 * @example
 * import { defineReceiverContract } from "tiw-push-kit/contract/vitest";
 * defineReceiverContract({ handler: receiver.fetch, callbackKey: "my-key", sdkAppId: 1400000001, level: "strict" });
 */
export function defineReceiverContract(options: ReceiverContractOptions): void {
  const plan = planChecks(options);
  const requestTimeoutMs = budgetsBeforeGivingUp * (options.timeoutMs ?? defaultBudgetMs);
  const testTimeout = options.testTimeout ?? Math.max(30_000, 10 * requestTimeoutMs);
  describe(options.name ?? "TIW whiteboard push receiver contract", () => {
    // Opened by the first test, after the user's beforeAll hooks have started their server; when the
    // target cannot be reached, every check fails with that one clear error.
    let session: Promise<Session> | undefined;
    const opened = () => {
      session ??= openSession({ ...options, target: typeof options.target === "function" ? options.target() : options.target });
      return session;
    };

    for (const { check, skipReason } of plan) {
      const title = `${check.name}: ${check.description}`;
      if (skipReason) {
        it.skip(`${title} [${skipReason}]`, () => undefined);
        continue;
      }
      it(
        title,
        async (context) => {
          const result = await runCheck(check, await opened());
          if (result.status === "skip") context.skip(result.message);
          if (result.status === "warn") await context.annotate(`${result.message}\n${formatEvidence(result, "  ")}`, "warning");
          if (result.status === "fail") throw new Error(`${check.name}: ${result.message}\n${formatEvidence(result, "  ")}`);
        },
        testTimeout,
      );
    }
  });
}
