import { EventIgnoredReason } from '../ami-state/outcomes';
import { describeError } from '../logging/app-logger';
import { DIMENSION_NAMES, METRIC_NAMES, MetricPoint } from '../metrics/metric-names';

/** What handling one event did (its `kind` is the log's `outcome`); for the metrics and tests. */
export type AmiEventOutcome =
  | { kind: 'applied'; preset: string; to: 'ready' | 'failed' }
  | { kind: 'ignored'; reason: EventIgnoredReason; preset?: string };

/**
 * What one AMI update event tells CloudWatch: applied by the state it set, ignored by its
 * reason, or failed (and retried by Lambda) by the error's name.
 */
export function eventMetrics(handled: { outcome: AmiEventOutcome } | { failure: unknown }): MetricPoint[] {
  if ('failure' in handled) {
    const name = describeError(handled.failure).name;
    return [metric(METRIC_NAMES.amiEventsFailed, name)];
  }
  const { outcome } = handled;
  return outcome.kind === 'applied'
    ? [metric(METRIC_NAMES.amiEventsApplied, outcome.to)]
    : [metric(METRIC_NAMES.amiEventsIgnored, outcome.reason)];
}

function metric(name: MetricPoint['name'], outcome: string): MetricPoint {
  return { name, value: 1, dimension: { name: DIMENSION_NAMES.outcome, value: outcome } };
}
