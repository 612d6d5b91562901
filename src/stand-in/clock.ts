/** The virtual clock that task times and callbacks follow, so tests never wait 1800 s. */
export interface Clock {
  /** Virtual time in Unix milliseconds. */
  now(): number;
  /** Virtual seconds per real second; 0 freezes the clock, so only `advance` moves it. */
  readonly timeScale: number;
  /** Milliseconds added by `advance` so far. */
  readonly advancedMs: number;
  /** Runs `run(dueMs)` when virtual time reaches `dueMs`; returns a function that cancels it. */
  at(dueMs: number, run: (dueMs: number) => void): () => void;
  /** Moves virtual time forward; timers that fall due fire in order, each with its own due time. */
  advance(ms: number): void;
  /** Cancels every pending timer. */
  close(): void;
}

export interface ClockOptions {
  timeScale?: number;
  /** The real clock in Unix milliseconds (default `Date.now`). */
  wallClock?: () => number;
  /** Told about a timer that threw, so one bad timer cannot stop the others. */
  onError?: (error: unknown) => void;
}

interface Timer {
  dueMs: number;
  run: (dueMs: number) => void;
}

// setTimeout fires at once for delays above 2^31 - 1 ms; longer waits are re-armed.
const maxDelayMs = 2 ** 31 - 1;

/**
 * A clock that starts at the real time and runs `timeScale` times faster, plus whatever
 * `advance` adds. Real timers are unref'd: a pending push never keeps a process alive.
 *
 * @example
 * const clock = createClock({ timeScale: 0 });
 * clock.at(clock.now() + 1000, (due) => console.log("fired at", due));
 * clock.advance(1000); // fires now
 */
export function createClock(options: ClockOptions = {}): Clock {
  const timeScale = options.timeScale ?? 1;
  if (!Number.isFinite(timeScale) || timeScale < 0) throw new RangeError(`tiw-push-kit: timeScale must be a number >= 0, got ${timeScale}`);
  const wallClock = options.wallClock ?? Date.now;
  const origin = wallClock();
  const timers: Timer[] = [];
  let advancedMs = 0;
  let handle: NodeJS.Timeout | undefined;
  let closed = false;

  const now = () => Math.floor(origin + (wallClock() - origin) * timeScale + advancedMs);

  function arm(): void {
    if (handle) clearTimeout(handle);
    handle = undefined;
    const next = timers[0];
    if (!next || closed) return;
    const waitMs = next.dueMs - now();
    // A frozen clock only moves by advance(), but what is already due still runs.
    if (timeScale === 0 && waitMs > 0) return;
    handle = setTimeout(fire, waitMs <= 0 ? 0 : Math.min(maxDelayMs, Math.ceil(waitMs / timeScale)));
    handle.unref();
  }

  function fire(): void {
    handle = undefined;
    runDue();
    arm();
  }

  function runDue(): void {
    // A timer may schedule another that is already due (advance across a whole task): the loop runs it too.
    for (let next = timers[0]; next && next.dueMs <= now() && !closed; next = timers[0]) {
      timers.shift();
      try {
        next.run(next.dueMs);
      } catch (error) {
        options.onError?.(error);
      }
    }
  }

  return {
    now,
    timeScale,
    get advancedMs() {
      return advancedMs;
    },
    at(dueMs, run) {
      const timer: Timer = { dueMs, run };
      // Stable: timers due at the same time fire in the order they were set.
      const index = timers.findIndex((other) => other.dueMs > dueMs);
      timers.splice(index === -1 ? timers.length : index, 0, timer);
      if (timers[0] === timer) arm();
      return () => {
        const position = timers.indexOf(timer);
        if (position === -1) return;
        timers.splice(position, 1);
        if (position === 0) arm();
      };
    },
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`tiw-push-kit: cannot advance the clock by ${ms} ms`);
      advancedMs += Math.floor(ms);
      runDue();
      arm();
    },
    close() {
      closed = true;
      timers.length = 0;
      arm();
    },
  };
}
