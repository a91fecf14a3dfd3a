import { parse, stringify } from 'lossless-json';

/**
 * What setting `ami` in a preset's runner configuration (its SSM parameter: a JSON object)
 * comes to: it already holds the AMI, the value to write, or a stored value that is no JSON
 * object.
 */
export type RunnerConfigUpdate =
  { kind: 'already-set' } | { kind: 'changed'; value: string } | { kind: 'invalid' };

/**
 * Sets `ami` in the stored config, keeping every other field exactly (a lossless parse: a
 * number JavaScript cannot hold, such as a big integer, is written back as it was); says
 * when nothing changes.
 */
export function withAmi(storedValue: string, amiId: string): RunnerConfigUpdate {
  const config = parseRunnerConfig(storedValue);
  if (config === undefined) return { kind: 'invalid' };
  if (config.ami === amiId) return { kind: 'already-set' };
  return { kind: 'changed', value: stringify({ ...config, ami: amiId }) ?? '' };
}

/** The `ami` a stored config holds (undefined when it has none, or not as a string); null when it is no JSON object. */
export function amiOf(storedValue: string): string | undefined | null {
  const config = parseRunnerConfig(storedValue);
  if (config === undefined) return null;
  return typeof config.ami === 'string' ? config.ami : undefined;
}

function parseRunnerConfig(storedValue: string): Record<string, unknown> | undefined {
  let config: unknown;
  try {
    config = parse(storedValue);
  } catch {
    return undefined;
  }
  // A plain object only: the lossless parser gives numbers as objects too.
  if (typeof config !== 'object' || config === null || Object.getPrototypeOf(config) !== Object.prototype) {
    return undefined;
  }
  return config as Record<string, unknown>;
}
