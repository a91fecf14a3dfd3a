/** `items` in order, `size` at a time: what an AWS API takes in one call. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}
