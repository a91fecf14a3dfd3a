/** Powertools' `service` dimension on every metric, and the logs' `service` field. */
export const METRICS_SERVICE = 'spot-runner-status';
