import { randomUUID } from "node:crypto";
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { JournalError } from "./journal-error.js";

/** What a lock file holds: who writes the journal, and since when. */
interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
  /** Tells this process's lock from another one's with the same pid. */
  token: string;
}

/** The locks this process holds, by lock file: the same journal opened twice in one process shares one lock. */
const held = new Map<string, { token: string; count: number }>();

/**
 * Makes this process the only writer of the journal at `path` until the returned release is
 * called: a lock file next to it, `<path>.lock`, JSON with the pid, host and time it was taken,
 * created whole in one step (a hard link), so that it is never seen half-written. A live process's
 * lock is refused with a `JournalError` ("in use by process N"); a dead one's (after a kill -9) is
 * taken over. `exclusive` runs its argument under SQLite's write lock on the journal, which the OS
 * releases when a process dies: two processes never take over the same dead lock both.
 */
export function lockJournal(path: string, exclusive: (work: () => void) => void): () => void {
  const lockPath = `${path}.lock`;
  const key = resolve(lockPath);
  const shared = held.get(key);
  if (shared) {
    shared.count += 1;
    return releaser(key, lockPath);
  }
  const token = randomUUID();
  const content = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString(), token } satisfies LockHolder) + "\n";
  const draft = `${lockPath}.${token}`;
  const write = (take: () => void) => {
    try {
      writeFileSync(draft, content);
      take();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") throw error;
      throw new JournalError(`tiw-push-kit: the journal ${path} cannot be written: its lock file ${lockPath} cannot be created (${(error as NodeJS.ErrnoException).code ?? String(error)})`, "unwritable", { cause: error });
    } finally {
      unlinkQuietly(draft);
    }
  };
  /** Creates the lock file unless one exists; whether it did. */
  const create = () => {
    try {
      write(() => linkSync(draft, lockPath));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw error;
    }
  };

  if (!create()) {
    exclusive(() => {
      for (;;) {
        const holder = holderOf(lockPath);
        if (holder === "none") {
          if (create()) return;
          continue; // created by another process in between: look at it
        }
        if (holder !== "unreadable" && isAlive(holder)) throw inUse(path, lockPath, holder);
        // Left by a process that is gone: replaced in one step, under the write lock.
        write(() => renameSync(draft, lockPath));
        return;
      }
    });
  }
  held.set(key, { token, count: 1 });
  return releaser(key, lockPath);
}

function releaser(key: string, lockPath: string): () => void {
  let released = false;
  return () => {
    const entry = held.get(key);
    if (released || !entry) return;
    released = true;
    entry.count -= 1;
    if (entry.count > 0) return;
    held.delete(key);
    const holder = holderOf(lockPath);
    // Only its own: a lock it lost (deleted by hand and taken by another process) stays.
    if (holder !== "none" && holder !== "unreadable" && holder.token === entry.token) unlinkQuietly(lockPath);
  };
}

function holderOf(lockPath: string): LockHolder | "none" | "unreadable" {
  let text: string;
  try {
    text = readFileSync(lockPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "none";
    throw error;
  }
  try {
    const holder = JSON.parse(text) as Partial<LockHolder>;
    const valid = typeof holder.pid === "number" && typeof holder.host === "string" && typeof holder.since === "string" && typeof holder.token === "string";
    // The kit writes its lock files whole: one it cannot read was not written by a kit that is running.
    return valid ? (holder as LockHolder) : "unreadable";
  } catch {
    return "unreadable";
  }
}

function isAlive(holder: LockHolder): boolean {
  // A process on another machine (a shared disk) cannot be checked: it is taken to be running.
  if (holder.host !== hostname()) return true;
  // This pid is this process: another thread of it, or an earlier process that had the same pid
  // (a restarted container) and took its lock before this one started.
  if (holder.pid === process.pid) return Date.parse(holder.since) >= performance.timeOrigin;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function inUse(path: string, lockPath: string, holder: LockHolder): JournalError {
  const elsewhere = holder.host === hostname() ? "" : ` on ${holder.host}`;
  const advice = elsewhere ? "wait for it to finish, or delete the lock file if that process is gone" : "wait for it to finish, or stop it";
  return new JournalError(`tiw-push-kit: the journal ${path} is in use by process ${holder.pid}${elsewhere} (${lockPath}); ${advice}`, "in-use");
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone; a lock file left behind is taken over as its process is gone.
  }
}
