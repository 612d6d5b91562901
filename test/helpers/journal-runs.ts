import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach } from "vitest";
import type { WhiteboardPushEvent } from "../../src/tiw/events.js";
import type { ChildCli } from "./child-cli.js";
import type { RecordingServer } from "./servers.js";

/** Paths of fresh journals, in a temporary folder of their own. */
export function journalPaths(name: string): () => string {
  const dir = mkdtempSync(join(tmpdir(), `tiw-push-kit-${name}-`));
  let journals = 0;
  return () => join(dir, `journal-${++journals}.db`);
}

/** An event as the receiver tells it from others: its TaskId and type (a copy sent again has the same). */
export function eventKeyOf(body: string): string {
  const event = JSON.parse(body) as WhiteboardPushEvent;
  return `${event.EventData.TaskId}:${event.EventType}`;
}

/** How many times each event reached the receiver. */
export function receipts(bodies: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of bodies.map(eventKeyOf)) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/** Kills the CLI processes and closes the servers it is given when each test ends. */
export function stoppedAfterEach(): <T extends ChildCli | RecordingServer>(running: T) => T {
  const running: Array<ChildCli | RecordingServer> = [];
  afterEach(async () => {
    for (const item of running.splice(0)) {
      if ("process" in item) item.process.kill("SIGKILL");
      else await item.close();
    }
  });
  return (item) => {
    running.push(item);
    return item;
  };
}

/** Rows of `table` committed to a journal, as another process (`log`) sees them while it is written. */
export function committedRows(journalPath: string, table: "events" | "outcomes"): number {
  const raw = new DatabaseSync(journalPath, { readOnly: true });
  try {
    return Number(raw.prepare(`SELECT COUNT(*) AS count FROM ${table}`).get()?.count);
  } finally {
    raw.close();
  }
}
