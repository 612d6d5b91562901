/**
 * `read()` taken once per synchronous run of code and reused until a microtask clears it. The
 * delivery engine reads the time for an attempt's `at`, then again to sign its body: with this both
 * readings are the same, so the signed body can be rebuilt exactly from `at` (`createSignedPayloads`).
 * A change of `version()` (the clock was advanced) forces a fresh reading at once.
 *
 * @example
 * const now = perRunReading(() => clock.now(), () => clock.advancedMs);
 * now() === now(); // true within one synchronous run, unless the clock is advanced in between
 */
export function perRunReading(read: () => number, version: () => number = () => 0): () => number {
  let reading: { value: number; version: number } | undefined;
  return () => {
    const current = version();
    if (reading === undefined || reading.version !== current) {
      reading = { value: read(), version: current };
      queueMicrotask(() => (reading = undefined));
    }
    return reading.value;
  };
}
