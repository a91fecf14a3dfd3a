/** A preset's runner configuration, as stored in its SSM parameter: a JSON object. */
export type RunnerConfigUpdate =
  { valid: true; changed: false } | { valid: true; changed: true; value: string } | { valid: false };

/** Sets `ami` in the stored config, keeping every other field; says when nothing changes. */
export function withAmi(storedValue: string, amiId: string): RunnerConfigUpdate {
  let config: unknown;
  try {
    config = JSON.parse(storedValue);
  } catch {
    return { valid: false };
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return { valid: false };
  if ((config as Record<string, unknown>).ami === amiId) return { valid: true, changed: false };
  return { valid: true, changed: true, value: JSON.stringify({ ...config, ami: amiId }) };
}
