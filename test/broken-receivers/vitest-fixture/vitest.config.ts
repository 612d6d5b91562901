import { defineConfig } from "vitest/config";

// Runs the contract fixtures on their own, from test/contract-vitest.test.ts, to observe failures from outside.
export default defineConfig({
  test: {
    root: new URL("../../..", import.meta.url).pathname,
    include: ["test/broken-receivers/vitest-fixture/*.contract.ts"],
    testTimeout: 30_000,
  },
});
