import { checks } from "../../contract-tests/checks.js";

/** Every check but `recovers-lost-callback`, which needs a TIW API stand-in (see recovery-check.test.ts). */
export const checksWithoutStandIn = checks.filter((check) => check.needs !== "recovery");
