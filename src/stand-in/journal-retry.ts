import { callbackCount } from "./callback-count.js";

export interface JournalRetryOptions {
  /** Told once when the journal starts refusing writes, once when it takes them again, and of writes given up at close. */
  warn(message: string): void;
  /** How long to wait before trying refused writes again (default 1000 ms). */
  retryMs?: number;
}

export interface JournalRetry {
  /**
   * Runs `write` now. When the journal refuses it (a full disk, a locked file), keeps it and runs it
   * again, in the order given, once the journal takes writes; a write given while others wait
   * waits behind them. Resolves true once written, false when closed before.
   */
  write(write: () => void): Promise<boolean>;
  /** Gives up the writes still waiting (their promises resolve false) and says how many. */
  close(): void;
}

/**
 * Journal writes that must not fail for good: the stand-in's callbacks, journaled before they are
 * sent. A refused write keeps its callback pending in memory until the journal can be written again.
 *
 * @example
 * const writes = createJournalRetry({ warn: (message) => process.emitWarning(message) });
 * if (await writes.write(() => journal.addEvents([entry]))) send(entry);
 */
export function createJournalRetry(options: JournalRetryOptions): JournalRetry {
  const retryMs = options.retryMs ?? 1000;
  const waiting: Array<{ write: () => void; done: (written: boolean) => void }> = [];
  let timer: NodeJS.Timeout | undefined;

  function retryLater(): void {
    // Unref'd: a stand-in that has nothing else to do does not stay alive for it.
    timer = setTimeout(retry, retryMs).unref();
  }

  function retry(): void {
    timer = undefined;
    const count = waiting.length;
    for (let next = waiting[0]; next; next = waiting[0]) {
      try {
        next.write();
      } catch {
        retryLater();
        return;
      }
      waiting.shift();
      next.done(true);
    }
    options.warn(`tiw-push-kit: the journal takes writes again: the ${callbackCount(count)} that waited are journaled and sent`);
  }

  return {
    write(write) {
      if (waiting.length === 0) {
        try {
          write();
          return Promise.resolve(true);
        } catch (error) {
          // The store's errors already say which journal and why (e.g. "disk full (SQLITE_FULL)"): not said twice.
          const cause = error instanceof Error ? error.message : String(error);
          const refused = cause.startsWith("tiw-push-kit: ") ? cause : `tiw-push-kit: the journal cannot be written (${cause})`;
          options.warn(
            `${refused}: callbacks stay pending in memory, and are journaled and sent once it can be written again ` +
              `(tried every ${retryMs / 1000} s); a kill before then loses them`,
          );
          retryLater();
        }
      }
      return new Promise((done) => waiting.push({ write, done }));
    },
    close() {
      clearTimeout(timer);
      const givenUp = waiting.splice(0);
      if (givenUp.length > 0) options.warn(`tiw-push-kit: the journal still cannot be written: ${callbackCount(givenUp.length)} never journaled are lost`);
      for (const { done } of givenUp) done(false);
    },
  };
}
