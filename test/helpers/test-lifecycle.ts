import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import type { RunningServer } from "../../src/server/node.js";

/** A fresh temporary folder for one test file's journals and files. */
export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `tiw-push-kit-${name}-`));
}

/** A list to push the servers a test starts onto: each is closed after the test, whatever happened. */
export function closedAfterEach(): RunningServer[] {
  const servers: RunningServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  return servers;
}
