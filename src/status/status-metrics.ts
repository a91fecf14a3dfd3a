import { countBy, DIMENSION_NAMES, METRIC_NAMES, MetricPoint } from '../metrics/metric-names';
import { ReportedReconciliation } from '../reconciliation/preset-reconciliation';

/**
 * What one GET /status tells CloudWatch. Only the work this request did counts (`cached`
 * results were counted by the request that made them), so concurrent requests never count
 * one lost event twice; the stale presets and the readiness checks' points (`checkPoints`,
 * in list order) are how things stand now.
 */
export function statusMetrics(
  stalePresets: number,
  reconciliations: readonly ReportedReconciliation[],
  checkPoints: readonly MetricPoint[],
): MetricPoint[] {
  const own = reconciliations.filter((reconciliation) => !reconciliation.cached);
  const count = (kind: ReportedReconciliation['kind']) =>
    own.filter((reconciliation) => reconciliation.kind === kind).length;
  return [
    { name: METRIC_NAMES.stalePresets, value: stalePresets },
    { name: METRIC_NAMES.ssmUpdatesCompleted, value: count('ssm-update-completed') },
    { name: METRIC_NAMES.ssmDriftRepaired, value: count('ssm-drift-repaired') },
    ...checkPoints,
    ...countBy(
      METRIC_NAMES.presetsCorrected,
      DIMENSION_NAMES.targetState,
      own.flatMap((reconciliation) => (reconciliation.kind === 'corrected' ? [reconciliation.to] : [])),
    ),
    ...countBy(
      METRIC_NAMES.reconciliationsUnresolved,
      DIMENSION_NAMES.reason,
      own.flatMap((reconciliation) => (reconciliation.kind === 'unresolved' ? [reconciliation.reason] : [])),
    ),
  ];
}
