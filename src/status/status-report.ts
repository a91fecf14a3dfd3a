import { ParsedAmiRecord } from '../ami-state/ami-record';
import { RunnerConfigProblem } from '../ami-state/runner-config-problems';
import { Finding, finding, FindingId, sortFindings } from '../readiness/findings';
import type { ReadinessCheckResult } from '../readiness/readiness-check';
import type { PresetPipelines } from '../reconciliation/pipeline-report';
import { ReportedReconciliation } from '../reconciliation/preset-reconciliation';
import type {
  OverallStatus,
  PresetStatus,
  PresetStatusValue,
  ReconciliationReport,
  StatusReport,
} from './contract/status.schema';
import { redactFailureReason } from './failure-reason';
import type { ReadinessFields } from './readiness-checks';

const MESSAGE_ORDER: readonly PresetStatusValue[] = ['ready', 'building', 'failed', 'invalid'];

/** The preset as the response reports it, with its pipeline (null: not checked, or not understood). */
export function toPresetStatus(parsed: ParsedAmiRecord, pipelines: PresetPipelines): PresetStatus {
  if (parsed.kind === 'invalid') {
    return {
      name: parsed.invalid.name,
      status: 'invalid',
      amiId: null,
      updatedAt: parsed.invalid.updatedAt,
      amiCreatedAt: null,
      pipeline: null,
      healCount: 0,
      lastHealedAt: null,
    };
  }
  const { presetName, status, amiId, updatedAt, ssmPendingAmiId, errorMessage } = parsed.record;
  return {
    name: presetName,
    status,
    amiId,
    updatedAt,
    ...(ssmPendingAmiId !== undefined && { runnerConfigPending: true as const }),
    ...(status === 'failed' &&
      errorMessage !== undefined && { failureReason: redactFailureReason(errorMessage) }),
    amiCreatedAt: amiId === null ? null : (parsed.record.imageCreatedAt ?? null),
    pipeline: pipelines?.get(presetName) ?? null,
    healCount: parsed.record.healCount ?? 0,
    lastHealedAt: parsed.record.healedAt ?? null,
  };
}

/** What the presets are judged by: the time, the oldest AMI that is not `ami-old`, and the runner configs found missing or invalid. */
export interface PresetRules {
  now: Date;
  amiMaxAgeMs: number;
  runnerConfigProblems: ReadonlyMap<string, RunnerConfigProblem>;
}

/** The finding of a runner config no write can fix. */
const RUNNER_CONFIG_FINDINGS = {
  'ssm-parameter-missing': 'runner-config-missing',
  'ssm-config-invalid': 'runner-config-invalid',
} as const satisfies Record<RunnerConfigProblem, FindingId>;

/** A heal this recent says an event was lost lately: `event-lost-healed`. */
const HEALED_RECENTLY_MS = 24 * 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

/** A config that cannot take the AMI says so; otherwise a pending mark is only behind. */
function runnerConfigFindings(preset: PresetStatus, problem: RunnerConfigProblem | undefined): Finding[] {
  if (problem !== undefined) return [finding(RUNNER_CONFIG_FINDINGS[problem], preset.name)];
  return preset.runnerConfigPending === true ? [finding('runner-config-pending', preset.name)] : [];
}

/** A ready preset's AMI built more than `amiMaxAgeMs` ago: its runner may be refused jobs. */
function amiAgeFindings(preset: PresetStatus, nowMs: number, amiMaxAgeMs: number): Finding[] {
  if (preset.status !== 'ready' || preset.amiCreatedAt === null) return [];
  const ageMs = nowMs - Date.parse(preset.amiCreatedAt);
  return ageMs > amiMaxAgeMs ? [finding('ami-old', preset.name, { days: Math.floor(ageMs / DAY_MS) })] : [];
}

/**
 * What the presets tell an operator: every cause the overall rule below makes `degraded` is
 * a critical finding (`overallStatus` and these agree, status-report.spec.ts proves it).
 */
export function presetFindings(presets: readonly PresetStatus[], rules: PresetRules): Finding[] {
  if (presets.length === 0) return [finding('no-presets', 'platform')];
  const nowMs = rules.now.getTime();
  return presets.flatMap((preset): Finding[] => {
    const subject = preset.name;
    if (preset.status === 'invalid') return [finding('preset-invalid', subject)];
    return [
      ...(preset.status === 'failed'
        ? [finding('preset-failed', subject, { reason: preset.failureReason ?? 'no reason was recorded.' })]
        : []),
      ...(preset.status === 'ready' && preset.amiId === null ? [finding('preset-without-ami', subject)] : []),
      ...runnerConfigFindings(preset, rules.runnerConfigProblems.get(subject)),
      ...amiAgeFindings(preset, nowMs, rules.amiMaxAgeMs),
      ...(preset.pipeline?.status === 'DISABLED' ? [finding('pipeline-disabled', subject)] : []),
      ...(preset.pipeline?.status === 'not-found' ? [finding('pipeline-not-found', subject)] : []),
      ...(preset.lastHealedAt !== null && nowMs - Date.parse(preset.lastHealedAt) < HEALED_RECENTLY_MS
        ? [
            finding('event-lost-healed', subject, {
              healCount: preset.healCount,
              lastHealedAt: preset.lastHealedAt,
            }),
          ]
        : []),
    ];
  });
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
 * The response for the records as they are after reconciliation, with their pipelines, and
 * the readiness checks' results, in list order: each check's fields; its problem leads the
 * message; its note (informational) follows the presets. Any critical finding, the presets'
 * or a check's, makes the status degraded: `degraded` never comes without its reason.
 */
export function buildStatusReport(
  records: readonly ParsedAmiRecord[],
  pipelines: PresetPipelines,
  reconciliations: readonly ReportedReconciliation[],
  checks: readonly ReadinessCheckResult<object>[],
  rules: PresetRules,
): StatusReport {
  const presets = records.map((parsed) => toPresetStatus(parsed, pipelines)).sort(byName);
  const problems = checks.flatMap((check) => (check.problem === undefined ? [] : [check.problem]));
  const notes = checks.flatMap((check) => (check.note === undefined ? [] : [check.note]));
  const findings = sortFindings([
    ...presetFindings(presets, rules),
    ...(pipelines === null ? [finding('check-unavailable', 'platform', { check: 'pipelines' })] : []),
    ...checks.flatMap((check) => check.findings ?? []),
  ]);
  // The list's fields make exactly the contract's (ChecksMakeTheContract, readiness-checks.ts).
  const fields = Object.assign({}, ...checks.map((check) => check.fields)) as ReadinessFields;
  const critical = findings.some((found) => found.severity === 'critical');
  return {
    status: critical ? 'degraded' : overallStatus(presets),
    message: [...problems, [statusMessage(presets), ...notes].join(', ')].join('; '),
    ...fields,
    findings,
    presets,
    reconciliation: { presets: reconciliations.map(toReconciliationReport).sort(byName) },
  };
}
