/** The figures the benchmarks print: order statistics and ratios, formatted for a table. */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile: a value that was actually measured, never an interpolation. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('No values to take a percentile of');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function formatMs(ms: number): string {
  return ms.toFixed(1);
}

export function formatRatio(value: number, baseline: number): string {
  return `${(value / baseline).toFixed(2)}x`;
}

/** How often each distinct value occurs, as "a ×3, b ×1" in first-seen order. */
export function formatTally(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => `${value} ×${count}`).join(', ');
}
