/**
 * Keeps a long-running stand-in bounded: deletes the oldest entries of `entries` (insertion order)
 * that `settled` allows, until at most `max` remain. Unsettled ones stay, even beyond `max`.
 */
export function forgetOldest<K, V>(entries: Map<K, V>, max: number, settled: (value: V) => boolean): void {
  if (entries.size <= max) return;
  for (const [key, value] of entries) {
    if (!settled(value)) continue;
    entries.delete(key);
    if (entries.size <= max) return;
  }
}
