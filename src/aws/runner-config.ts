import { parse, stringify } from 'lossless-json';

/** A preset's runner configuration, as stored in its SSM parameter: a JSON object. */
export type RunnerConfigUpdate =
  { valid: true; changed: false } | { valid: true; changed: true; value: string } | { valid: false };

/**
 * Sets `ami` in the stored config, keeping every other field exactly (a lossless parse: a
 * number JavaScript cannot hold, such as a big integer, is written back as it was); says
 * when nothing changes.
 */
export function withAmi(storedValue: string, amiId: string): RunnerConfigUpdate {
  let config: unknown;
  try {
    config = parse(storedValue);
  } catch {
    return { valid: false };
  }
  // A plain object only: the lossless parser gives numbers as objects too.
  if (typeof config !== 'object' || config === null || Object.getPrototypeOf(config) !== Object.prototype) {
    return { valid: false };
  }
  if ((config as Record<string, unknown>).ami === amiId) return { valid: true, changed: false };
  return { valid: true, changed: true, value: stringify({ ...config, ami: amiId }) ?? '' };
}
