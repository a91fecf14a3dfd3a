import { ParsedAmiRecord } from '../ami-state/ami-record';
import type { ReadinessCheckResult } from '../readiness/readiness-check';
import { ReportedReconciliation } from '../reconciliation/preset-reconciliation';
import type {
  OverallStatus,
  PresetStatus,
  PresetStatusValue,
  ReconciliationReport,
  StatusReport,
} from './contract/status.schema';
import type { ReadinessFields } from './readiness-checks';

const MESSAGE_ORDER: readonly PresetStatusValue[] = ['ready', 'building', 'failed', 'invalid'];

export function toPresetStatus(parsed: ParsedAmiRecord): PresetStatus {
  if (parsed.kind === 'invalid') {
    return { name: parsed.invalid.name, status: 'invalid', amiId: null, updatedAt: parsed.invalid.updatedAt };
  }
  const { presetName, status, amiId, updatedAt, ssmPendingAmiId } = parsed.record;
  return {
    name: presetName,
    status,
    amiId,
    updatedAt,
    ...(ssmPendingAmiId !== undefined && { runnerConfigPending: true as const }),
  };
}

/**
 * No presets, any failed or invalid preset, a settled preset without an AMI, or a runner
 * config not yet holding its preset's AMI → degraded; every preset ready with an AMI →
 * ready; otherwise something is still building.
 */
export function overallStatus(presets: readonly PresetStatus[]): OverallStatus {
  if (presets.length === 0) return 'degraded';
  const degraded = presets.some(
    (preset) =>
      preset.status === 'failed' ||
      preset.status === 'invalid' ||
      (preset.status !== 'building' && preset.amiId === null) ||
      preset.runnerConfigPending === true,
  );
  if (degraded) return 'degraded';
  return presets.every((preset) => preset.status === 'ready') ? 'ready' : 'building';
}

/** "1 preset ready, 2 presets building", plus what makes a ready preset unusable. */
export function statusMessage(presets: readonly PresetStatus[]): string {
  if (presets.length === 0) return 'No presets found';
  const counts = MESSAGE_ORDER.map(
    (status) => [status, presets.filter((p) => p.status === status).length] as const,
  )
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${presetCount(count)} ${status}`);
  const readyWithoutAmi = presets.filter((p) => p.status === 'ready' && p.amiId === null).length;
  const configPending = presets.filter((p) => p.runnerConfigPending).length;
  return [
    counts.join(', '),
    ...(readyWithoutAmi > 0 ? [`${presetCount(readyWithoutAmi)} ready without an AMI`] : []),
    ...(configPending > 0
      ? [`${presetCount(configPending)} waiting for the runner config to get the AMI`]
      : []),
  ].join('; ');
}

function presetCount(count: number): string {
  return `${count} ${count === 1 ? 'preset' : 'presets'}`;
}

/** Each kind of reconciliation as the response says it: its `outcome`, under the same name. */
function toReconciliationReport(reconciliation: ReportedReconciliation): ReconciliationReport {
  const { presetName: name, cached } = reconciliation;
  switch (reconciliation.kind) {
    case 'corrected':
      return {
        name,
        outcome: 'corrected',
        from: reconciliation.from,
        to: reconciliation.to,
        ...(reconciliation.ssmConfig && { ssmConfig: reconciliation.ssmConfig }),
        cached,
      };
    case 'still-building':
      return { name, outcome: 'still-building', cached };
    case 'ssm-update-completed':
      return { name, outcome: 'ssm-update-completed', ssmConfig: reconciliation.ssmConfig, cached };
    case 'ssm-drift-repaired':
      return { name, outcome: 'ssm-drift-repaired', ssmConfig: reconciliation.ssmConfig, cached };
    case 'unresolved':
      return {
        name,
        outcome: 'unresolved',
        reason: reconciliation.reason,
        ...(reconciliation.ssmConfig && { ssmConfig: reconciliation.ssmConfig }),
        cached,
      };
  }
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The response for the records as they are after reconciliation and the readiness checks'
 * results, in list order: each check's fields; its problem (the platform cannot take jobs,
 * so it is degraded whatever the AMIs say) leads the message; its note (informational: it
 * never changes the status) follows the presets.
 */
export function buildStatusReport(
  records: readonly ParsedAmiRecord[],
  reconciliations: readonly ReportedReconciliation[],
  checks: readonly ReadinessCheckResult<object>[],
): StatusReport {
  const presets = records.map(toPresetStatus).sort(byName);
  const problems = checks.flatMap((check) => (check.problem === undefined ? [] : [check.problem]));
  const notes = checks.flatMap((check) => (check.note === undefined ? [] : [check.note]));
  // The list's fields make exactly the contract's (ChecksMakeTheContract, readiness-checks.ts).
  const fields = Object.assign({}, ...checks.map((check) => check.fields)) as ReadinessFields;
  return {
    status: problems.length > 0 ? 'degraded' : overallStatus(presets),
    message: [...problems, [statusMessage(presets), ...notes].join(', ')].join('; '),
    ...fields,
    presets,
    reconciliation: { presets: reconciliations.map(toReconciliationReport).sort(byName) },
  };
}
