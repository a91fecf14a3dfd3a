/**
 * The service's CloudWatch metrics: the one definition that the code emitting them
 * (Powertools Metrics) and the stack's alarms (`infra/`) both import. Pure constants, so a
 * rename is a change to the contract, made once.
 */

/** The namespace of every metric the service emits. */
export const METRICS_NAMESPACE = 'SpotRunnerStatus';

/** The `service` dimension's value, which Powertools Metrics adds to every metric itself. */
export const METRICS_SERVICE = 'spot-runner-status';

/** Every metric's name. */
export const MetricName = {
  StalePresets: 'StalePresets',
  PresetsCorrected: 'PresetsCorrected',
  ReconciliationsUnresolved: 'ReconciliationsUnresolved',
  SsmUpdatesCompleted: 'SsmUpdatesCompleted',
  /** 1 when GET /status found the GitHub App connected, 0 otherwise: one value per request. */
  GitHubConnected: 'GitHubConnected',
  AmiEventsApplied: 'AmiEventsApplied',
  AmiEventsIgnored: 'AmiEventsIgnored',
  AmiEventsFailed: 'AmiEventsFailed',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

/** The dimensions the service adds to some metrics, beside Powertools' `service`. */
export const MetricDimension = {
  /** The AMI record state a preset was moved to (`ready`, `failed`). */
  TargetState: 'TargetState',
  Reason: 'Reason',
  Outcome: 'Outcome',
} as const;
export type MetricDimension = (typeof MetricDimension)[keyof typeof MetricDimension];
