import type { Session } from "./session.js";

/** `basic` holds every receiver to what TIW needs; `strict` adds load, exact answers and hardening. */
export type Level = "basic" | "strict";
export const levels = ["basic", "strict"] as const satisfies readonly Level[];

export type CheckStatus = "pass" | "warn" | "fail" | "skip";

/** What a failing (or warning) check shows: the request, the answer and what the answer should have been. */
export interface Evidence {
  sent: string;
  received: string;
  expected: string;
}

/** What an optional check needs; without it the check is reported as skipped, not failed. */
export type Prerequisite = "inspect" | "hardened" | "recovery";

export interface Check {
  /** Stable, kebab-case; users select and filter by it. */
  name: string;
  /** One line: what the receiver must do. */
  description: string;
  level: Level;
  needs?: Prerequisite;
  /** The check is about `Sign` and `ExpireTime`: the unsigned profile, which sends neither, skips it. */
  checksSignature?: true;
  /** Resolves when the receiver behaves; throws `CheckFailure` or `CheckSkipped` otherwise; may return a warning. */
  run(session: Session): Promise<Warning | void>;
}

export interface Warning {
  warning: string;
  evidence?: Evidence;
}

export interface CheckResult {
  name: string;
  description: string;
  level: Level;
  optional: boolean;
  status: CheckStatus;
  /** Why the check failed, warned or was skipped. */
  message?: string;
  evidence?: Evidence;
  durationMs: number;
}

/** The receiver broke the contract. */
export class CheckFailure extends Error {
  constructor(
    message: string,
    readonly evidence?: Evidence,
  ) {
    super(message);
  }
}

/** The check cannot judge the receiver, because a prerequisite that another check covers did not hold. */
export class CheckSkipped extends Error {}
