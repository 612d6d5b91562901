/** Rates of several contenders measured in alternated rounds, so a neighbour's load hits all alike. */
export interface Alternated<K extends string> {
  /** Operations per second over all rounds, per contender. */
  rates: Record<K, number>;
  /** Per round, each contender's rate. */
  rounds: Array<Record<K, number>>;
}

/** The median of `values` (0 for none). */
export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

/**
 * Runs each contender for `millis` per round, in turns, `rounds` times; a contender runs its
 * operation `batch` times between clock reads.
 */
export function alternateSync<K extends string>(contenders: Record<K, () => unknown>, rounds: number, millis: number, batch = 200): Alternated<K> {
  const names = Object.keys(contenders) as K[];
  const totals = Object.fromEntries(names.map((name) => [name, { operations: 0, millis: 0 }])) as Record<K, { operations: number; millis: number }>;
  const perRound: Array<Record<K, number>> = [];
  for (const name of names) runFor(contenders[name], millis / 4, batch);
  for (let round = 0; round < rounds; round++) {
    const rates = {} as Record<K, number>;
    for (const name of names) {
      const { operations, elapsed } = runFor(contenders[name], millis, batch);
      totals[name].operations += operations;
      totals[name].millis += elapsed;
      rates[name] = (operations * 1000) / elapsed;
    }
    perRound.push(rates);
  }
  const rates = Object.fromEntries(names.map((name) => [name, (totals[name].operations * 1000) / totals[name].millis])) as Record<K, number>;
  return { rates, rounds: perRound };
}

function runFor(operation: () => unknown, millis: number, batch: number): { operations: number; elapsed: number } {
  const began = performance.now();
  let operations = 0;
  let elapsed = 0;
  while (elapsed < millis) {
    for (let i = 0; i < batch; i++) operation();
    operations += batch;
    elapsed = performance.now() - began;
  }
  return { operations, elapsed };
}
