import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openJournal } from "../../src/delivery/index.js";
import { JournalError } from "../../src/store/index.js";

const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-lock-"));
let files = 0;
const freshPath = () => join(dir, `journal-${++files}.db`);
const lockOf = (path: string) => JSON.parse(readFileSync(`${path}.lock`, "utf8")) as { pid: number; host: string; since: string; token: string };
/** A lock file as another kit process leaves it. */
const leaveLock = (path: string, holder: { pid: number; host?: string; since?: string }) =>
  writeFileSync(`${path}.lock`, JSON.stringify({ host: hostname(), since: new Date().toISOString(), token: "someone-else", ...holder }));
/** The pid of a process that has ended. */
const deadPid = () => Number(execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }));

describe("the journal's lock", () => {
  it("is a file next to the journal naming this process while it writes, gone once it is closed", () => {
    const path = freshPath();
    const journal = openJournal(path);
    expect(lockOf(path)).toMatchObject({ pid: process.pid, host: hostname() });
    journal.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it("is shared by the journals one process opens on the same file, and kept until the last is closed", () => {
    const path = freshPath();
    const first = openJournal(path);
    const second = openJournal(path);
    first.close();
    expect(lockOf(path).pid).toBe(process.pid);
    second.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it("refuses a journal a live process holds, naming it, and leaves its lock alone; reading is not refused", () => {
    const path = freshPath();
    openJournal(path).close();
    leaveLock(path, { pid: process.ppid });
    let refusal: unknown;
    try {
      openJournal(path);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(JournalError);
    expect(refusal).toMatchObject({
      problem: "in-use",
      message: `tiw-push-kit: the journal ${path} is in use by process ${process.ppid} (${path}.lock); wait for it to finish, or stop it`,
    });
    expect(lockOf(path).pid).toBe(process.ppid);
    const reader = openJournal(path, { readOnly: true });
    expect(reader.listEvents()).toEqual([]);
    expect(() => reader.addEvents([])).toThrow(`tiw-push-kit: the journal ${path} was opened for reading only`);
    reader.close();
  });

  it("takes over the lock of a process that is gone (a kill -9), or of an earlier process that had this pid", () => {
    const path = freshPath();
    openJournal(path).close();
    leaveLock(path, { pid: deadPid() });
    const journal = openJournal(path);
    expect(lockOf(path).pid).toBe(process.pid);
    journal.close();

    leaveLock(path, { pid: process.pid, since: new Date(performance.timeOrigin - 60_000).toISOString() });
    openJournal(path).close();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it("refuses a lock taken on another host, whose process it cannot check", () => {
    const path = freshPath();
    leaveLock(path, { pid: deadPid(), host: "build-agent-7" });
    expect(() => openJournal(path)).toThrow(`is in use by process ${lockOf(path).pid} on build-agent-7 (${path}.lock); wait for it to finish, or delete the lock file if that process is gone`);
  });

  it("takes over a lock file no kit wrote (not JSON)", () => {
    const path = freshPath();
    writeFileSync(`${path}.lock`, "");
    openJournal(path).close();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});
