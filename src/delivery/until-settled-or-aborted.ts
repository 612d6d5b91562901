/**
 * Waits for `promise` to settle, or less when `signal` aborts, leaving no listener behind. Never
 * rejects when a signal is given: the caller looks at `signal.aborted` to tell the two apart.
 */
export function untilSettledOrAborted(promise: Promise<unknown>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise.then(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done);
    promise.then(done, done);
  });
}
