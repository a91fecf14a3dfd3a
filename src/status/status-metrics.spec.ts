import { readiness } from '../github/github-readiness';
import { githubCheckResult } from '../github/github-readiness.check';
import { ReportedReconciliation } from '../reconciliation/preset-reconciliation';
import { aReadyAmiRecord } from '../testing/ami-record.fixture';
import { statusMetrics } from './status-metrics';

/** The points of the GitHub App check when GitHub accepts the App. */
const connected = githubCheckResult(readiness(true, 'connected', 'spot-runner')).metrics ?? [];
const record = aReadyAmiRecord();

describe(statusMetrics.name, () => {
  it('reports the stale presets, nothing done and GitHub connected on a quiet request', () => {
    expect(statusMetrics(0, [], connected)).toEqual([
      { name: 'StalePresets', value: 0 },
      { name: 'SsmUpdatesCompleted', value: 0 },
      { name: 'SsmDriftRepaired', value: 0 },
      { name: 'GitHubConnected', value: 1 },
    ]);
  });

  it('counts corrections by target state and unresolved presets by reason', () => {
    const reconciliations: ReportedReconciliation[] = [
      { presetName: 'a', kind: 'corrected', from: 'building', to: 'ready', record, cached: false },
      { presetName: 'b', kind: 'corrected', from: 'building', to: 'ready', record, cached: false },
      { presetName: 'c', kind: 'corrected', from: 'building', to: 'failed', record, cached: false },
      { presetName: 'd', kind: 'unresolved', reason: 'pipeline-not-found', cached: false },
      { presetName: 'e', kind: 'still-building', cached: false },
      { presetName: 'f', kind: 'ssm-update-completed', record, ssmConfig: 'updated', cached: false },
      { presetName: 'g', kind: 'ssm-drift-repaired', record, ssmConfig: 'updated', cached: false },
    ];

    expect(statusMetrics(5, reconciliations, connected)).toEqual([
      { name: 'StalePresets', value: 5 },
      { name: 'SsmUpdatesCompleted', value: 1 },
      { name: 'SsmDriftRepaired', value: 1 },
      { name: 'GitHubConnected', value: 1 },
      { name: 'PresetsCorrected', value: 2, dimension: { name: 'TargetState', value: 'ready' } },
      { name: 'PresetsCorrected', value: 1, dimension: { name: 'TargetState', value: 'failed' } },
      {
        name: 'ReconciliationsUnresolved',
        value: 1,
        dimension: { name: 'Reason', value: 'pipeline-not-found' },
      },
    ]);
  });

  it('never counts work another request did: a shared (cached) correction is counted once, by its maker', () => {
    const shared: ReportedReconciliation[] = [
      { presetName: 'a', kind: 'corrected', from: 'building', to: 'ready', record, cached: true },
      { presetName: 'b', kind: 'unresolved', reason: 'superseded', cached: true },
      { presetName: 'c', kind: 'ssm-update-completed', record, ssmConfig: 'updated', cached: true },
    ];

    const points = statusMetrics(1, shared, connected);

    expect(points.map((point) => point.name)).not.toContain('PresetsCorrected');
    expect(points.map((point) => point.name)).not.toContain('ReconciliationsUnresolved');
    expect(points).toContainEqual({ name: 'SsmUpdatesCompleted', value: 0 });
  });
});
