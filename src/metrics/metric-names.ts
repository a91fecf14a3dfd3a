/**
 * The service's CloudWatch metrics: one namespace, the `service` dimension Powertools adds,
 * and at most one dimension of our own per metric. The stack's alarms and docs/operations.md
 * name these and nothing else.
 */
export const METRICS_NAMESPACE = 'SpotRunnerStatus';

export const METRIC_NAMES = {
  /** GET /status: building records past the threshold, this request (cached ones included). */
  stalePresets: 'StalePresets',
  /** GET /status: records reconciliation moved out of building, by `TargetState`; each is a lost event. */
  presetsCorrected: 'PresetsCorrected',
  /** GET /status: presets reconciliation left as they are, by `Reason`. */
  reconciliationsUnresolved: 'ReconciliationsUnresolved',
  /** GET /status: pending runner config updates this request completed. */
  ssmUpdatesCompleted: 'SsmUpdatesCompleted',
  /** GET /status: runner configs found not holding their preset's AMI, and set again. */
  ssmDriftRepaired: 'SsmDriftRepaired',
  /** GET /status: 1 when GitHub accepted the App, 0 otherwise. */
  githubConnected: 'GitHubConnected',
  /** GET /status: the oldest pending job's wait in seconds, 0 when none; only when the queue was read. */
  oldestPendingJobAgeSeconds: 'OldestPendingJobAgeSeconds',
  /** AMI update events that moved a record, by `Outcome` (`ready` or `failed`). */
  amiEventsApplied: 'AmiEventsApplied',
  /** AMI update events left without a write, by `Outcome` (the reason). */
  amiEventsIgnored: 'AmiEventsIgnored',
  /** AMI update events that failed and are retried, by `Outcome` (the error's name). */
  amiEventsFailed: 'AmiEventsFailed',
} as const;
export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];

export const DIMENSION_NAMES = { targetState: 'TargetState', reason: 'Reason', outcome: 'Outcome' } as const;
export type DimensionName = (typeof DIMENSION_NAMES)[keyof typeof DIMENSION_NAMES];

/** The CloudWatch units the metrics are sent in. */
export type MetricUnitName = 'Count' | 'Seconds';

/** Each metric's unit, one per name: a count but for these. */
export const METRIC_UNITS: Readonly<Partial<Record<MetricName, MetricUnitName>>> = {
  [METRIC_NAMES.oldestPendingJobAgeSeconds]: 'Seconds',
};

/** The unit `name` is sent in. */
export function unitOf(name: MetricName): MetricUnitName {
  return METRIC_UNITS[name] ?? 'Count';
}

/** One value of one metric (in its unit, `unitOf`), with at most one dimension of our own. */
export interface MetricPoint {
  name: MetricName;
  value: number;
  dimension?: { name: DimensionName; value: string };
}

/** Sums the points of the same metric and dimension value, in first-seen order. */
export function countBy(
  name: MetricName,
  dimension: DimensionName,
  values: readonly string[],
): MetricPoint[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => ({ name, value: count, dimension: { name: dimension, value } }));
}
