import { AmiRecord, ParsedAmiRecord } from '../ami-state/ami-record';
import { GitHubReadiness, readiness } from '../github/github-readiness';
import { githubCheckResult } from '../github/github-readiness.check';
import { ReportedReconciliation } from '../reconciliation/preset-reconciliation';
import { RunnerActivity } from '../runners/runner-activity';
import { runnerActivityResult } from '../runners/runner-activity.check';
import { aReadyAmiRecord } from '../testing/ami-record.fixture';
import { CONNECTED_GITHUB } from '../testing/github-readiness.fixture';
import { buildStatusReport, overallStatus, statusMessage, toPresetStatus } from './status-report';
import type { PresetStatus } from './contract/status.schema';

const updatedAt = '2026-11-23T12:00:00.000Z';
const buildArn = 'arn:aws:imagebuilder:eu-west-1:123456789012:image/spot-runner-linux-x64/1.0.0/3';

const ready = (name: string): PresetStatus => ({
  name,
  status: 'ready',
  amiId: 'ami-0123456789abcdef0',
  updatedAt,
});
const readyWithoutAmi = (name: string): PresetStatus => ({ name, status: 'ready', amiId: null, updatedAt });
const building = (name: string): PresetStatus => ({ name, status: 'building', amiId: null, updatedAt });
const failed = (name: string): PresetStatus => ({ name, status: 'failed', amiId: null, updatedAt });
const invalid = (name: string): PresetStatus => ({ name, status: 'invalid', amiId: null, updatedAt: null });

/** A ready record of `presetName` (the shared builder), as of `updatedAt`. */
const amiRecord = (presetName: string, fields: Partial<AmiRecord> = {}): AmiRecord =>
  aReadyAmiRecord({ presetName, updatedAt, buildId: undefined, ...fields });

const record = (presetName: string, fields: Partial<AmiRecord> = {}): ParsedAmiRecord => ({
  kind: 'valid',
  record: amiRecord(presetName, fields),
});

/** The results of the list's checks, in its order: the GitHub App's readiness, then the runner activity. */
const checks = (github: GitHubReadiness, activity: RunnerActivity | null) => [
  githubCheckResult(github),
  runnerActivityResult(activity),
];

describe('overallStatus', () => {
  it('is degraded with no presets', () => {
    expect(overallStatus([])).toBe('degraded');
  });

  it('is degraded when any preset failed', () => {
    expect(overallStatus([ready('linux-x64'), building('arm64'), failed('windows-x64')])).toBe('degraded');
  });

  it('is degraded when a preset failed even if it has an AMI from an earlier build', () => {
    expect(overallStatus([{ ...failed('linux-x64'), amiId: 'ami-0123456789abcdef0' }])).toBe('degraded');
  });

  it('is degraded when any preset is invalid', () => {
    expect(overallStatus([ready('linux-x64'), invalid('JOB#123')])).toBe('degraded');
  });

  it('is degraded when a ready preset has no AMI', () => {
    expect(overallStatus([ready('linux-x64'), readyWithoutAmi('arm64')])).toBe('degraded');
  });

  it('is ready when every preset is ready with an AMI', () => {
    expect(overallStatus([ready('linux-x64'), ready('arm64')])).toBe('ready');
  });

  it('is building when something is building and nothing failed', () => {
    expect(overallStatus([ready('linux-x64'), building('arm64')])).toBe('building');
  });

  it('is building when every preset is building', () => {
    expect(overallStatus([building('linux-x64')])).toBe('building');
  });
});

describe('statusMessage', () => {
  it('says no presets were found', () => {
    expect(statusMessage([])).toBe('No presets found');
  });

  it('counts presets per status, pluralising', () => {
    expect(statusMessage([building('a'), ready('b'), building('c')])).toBe(
      '1 preset ready, 2 presets building',
    );
  });

  it('lists counts in the order ready, building, failed, invalid', () => {
    const presets = [invalid('a'), failed('b'), building('c'), ready('d'), failed('e')];

    expect(statusMessage(presets)).toBe(
      '1 preset ready, 1 preset building, 2 presets failed, 1 preset invalid',
    );
  });

  it('says how many ready presets have no AMI', () => {
    const presets = [ready('a'), readyWithoutAmi('b'), readyWithoutAmi('c')];

    expect(statusMessage(presets)).toBe('3 presets ready; 2 presets ready without an AMI');
  });

  it('says when one ready preset has no AMI', () => {
    expect(statusMessage([readyWithoutAmi('a')])).toBe('1 preset ready; 1 preset ready without an AMI');
  });

  it('says how many presets wait for their runner config to get the AMI', () => {
    const presets = [ready('a'), { ...ready('b'), runnerConfigPending: true as const }];

    expect(statusMessage(presets)).toBe(
      '2 presets ready; 1 preset waiting for the runner config to get the AMI',
    );
  });
});

describe('a runner config behind its record', () => {
  it('makes the service degraded until the pending SSM update is done', () => {
    expect(overallStatus([ready('a'), { ...ready('b'), runnerConfigPending: true }])).toBe('degraded');
  });

  it('is reported on the preset while the record is marked pending', () => {
    const status = toPresetStatus(record('linux-x64', { ssmPendingAmiId: 'ami-0123456789abcdef0' }));

    expect(status).toEqual({
      name: 'linux-x64',
      status: 'ready',
      amiId: 'ami-0123456789abcdef0',
      updatedAt,
      runnerConfigPending: true,
    });
  });
});

describe('toPresetStatus', () => {
  it('reports an invalid record by its label and stored updatedAt', () => {
    // Prepare
    const parsed: ParsedAmiRecord = {
      kind: 'invalid',
      invalid: { name: 'JOB#123', reason: 'invalid-status', updatedAt },
    };

    // Act
    const status = toPresetStatus(parsed);

    // Assess
    expect(status).toEqual({ name: 'JOB#123', status: 'invalid', amiId: null, updatedAt });
  });
});

describe('buildStatusReport', () => {
  it('reports the presets sorted by name with the overall status and message', () => {
    // Prepare
    const records = [
      record('windows-x64', { status: 'building', amiId: null }),
      record('arm64'),
      record('linux-x64'),
    ];

    // Act
    const report = buildStatusReport(records, [], checks(CONNECTED_GITHUB, null));

    // Assess
    expect(report).toEqual({
      status: 'building',
      message: '2 presets ready, 1 preset building',
      configuration: { privateKeyConfigured: true },
      github: { status: 'connected', message: 'GitHub App authenticated', appSlug: 'spot-runner-test' },
      runners: null,
      recentActivity: null,
      presets: [
        { name: 'arm64', status: 'ready', amiId: 'ami-0123456789abcdef0', updatedAt },
        { name: 'linux-x64', status: 'ready', amiId: 'ami-0123456789abcdef0', updatedAt },
        { name: 'windows-x64', status: 'building', amiId: null, updatedAt },
      ],
      reconciliation: { presets: [] },
    });
  });

  it('reports the reconciliation entries sorted by name, without records, ARNs or error text', () => {
    // Prepare
    const healed = amiRecord('linux-x64', { buildId: buildArn });
    const reconciliations: ReportedReconciliation[] = [
      { presetName: 'windows-x64', kind: 'still-building', cached: true },
      {
        presetName: 'linux-x64',
        kind: 'corrected',
        from: 'building',
        to: 'ready',
        record: healed,
        ssmConfig: 'updated',
        cached: false,
      },
      {
        presetName: 'arm64',
        kind: 'unresolved',
        reason: 'superseded',
        current: record('arm64', {
          status: 'failed',
          amiId: null,
          errorMessage: 'Access denied for 123456789012',
        }),
        cached: false,
      },
    ];

    // Act
    const report = buildStatusReport([], reconciliations, checks(CONNECTED_GITHUB, null));

    // Assess
    expect(report.reconciliation).toEqual({
      presets: [
        { name: 'arm64', outcome: 'unresolved', reason: 'superseded', cached: false },
        {
          name: 'linux-x64',
          outcome: 'corrected',
          from: 'building',
          to: 'ready',
          ssmConfig: 'updated',
          cached: false,
        },
        { name: 'windows-x64', outcome: 'still-building', cached: true },
      ],
    });
  });

  it('leaves ssmConfig out of a correction that did not touch SSM', () => {
    // Prepare
    const healed = amiRecord('linux-x64', { status: 'failed', amiId: null, errorMessage: 'Build failed' });
    const reconciliations: ReportedReconciliation[] = [
      {
        presetName: 'linux-x64',
        kind: 'corrected',
        from: 'building',
        to: 'failed',
        record: healed,
        cached: true,
      },
    ];

    // Act
    const report = buildStatusReport(
      [{ kind: 'valid', record: healed }],
      reconciliations,
      checks(CONNECTED_GITHUB, null),
    );

    // Assess
    expect(report.reconciliation.presets).toEqual([
      { name: 'linux-x64', outcome: 'corrected', from: 'building', to: 'failed', cached: true },
    ]);
  });

  it('never includes buildId, errorMessage, ARNs or account ids', () => {
    // Prepare
    const failedRecord = amiRecord('linux-x64', {
      status: 'failed',
      amiId: null,
      buildId: buildArn,
      errorMessage: 'Access denied for arn:aws:iam::123456789012:role/builder',
    });
    const reconciliations: ReportedReconciliation[] = [
      {
        presetName: 'linux-x64',
        kind: 'corrected',
        from: 'building',
        to: 'failed',
        record: failedRecord,
        cached: false,
      },
    ];

    // Act
    const body = JSON.stringify(
      buildStatusReport(
        [{ kind: 'valid', record: failedRecord }],
        reconciliations,
        checks(CONNECTED_GITHUB, null),
      ),
    );

    // Assess
    expect(body).not.toMatch(/buildId|errorMessage|arn:|123456789012|Access denied/);
    expect(body).toContain('"name":"linux-x64"');
  });

  it('reports an invalid record as an invalid preset and the service as degraded', () => {
    // Prepare
    const records: ParsedAmiRecord[] = [
      record('linux-x64'),
      { kind: 'invalid', invalid: { name: 'JOB#123', reason: 'invalid-preset-name', updatedAt: null } },
    ];

    // Act
    const report = buildStatusReport(records, [], checks(CONNECTED_GITHUB, null));

    // Assess
    expect(report).toMatchObject({
      status: 'degraded',
      message: '1 preset ready, 1 preset invalid',
      presets: [
        { name: 'JOB#123', status: 'invalid', amiId: null, updatedAt: null },
        { name: 'linux-x64', status: 'ready' },
      ],
    });
  });
});

describe('the GitHub App beside the AMIs', () => {
  const allReady = [record('linux-x64'), record('arm64')];

  it.each([
    [readiness(false, 'not-configured'), 'GitHub App private key not configured'],
    [readiness(true, 'not-configured'), 'GitHub App not configured'],
    [readiness(true, 'auth_error'), 'GitHub API authentication failed'],
    [readiness(true, 'unreachable'), 'GitHub server unreachable'],
    [readiness(true, 'error'), 'GitHub connectivity check failed'],
  ])('makes every-AMI-ready degraded, the message leading with what is wrong (%j)', (github, lead) => {
    // Act
    const report = buildStatusReport(allReady, [], checks(github, null));

    // Assess
    expect(report.status).toBe('degraded');
    expect(report.message).toBe(`${lead}; 2 presets ready`);
    expect(report.configuration).toEqual({ privateKeyConfigured: github.privateKeyConfigured });
    expect(report.github).toEqual(github.github);
  });

  it('leaves the AMIs to decide when the key is configured and GitHub is connected', () => {
    const building = [record('linux-x64'), record('arm64', { status: 'building', amiId: null })];

    expect(buildStatusReport(allReady, [], checks(CONNECTED_GITHUB, null))).toMatchObject({
      status: 'ready',
      message: '2 presets ready',
    });
    expect(buildStatusReport(building, [], checks(CONNECTED_GITHUB, null))).toMatchObject({
      status: 'building',
      message: '1 preset ready, 1 preset building',
    });
  });

  it('says what is wrong with both the App and the AMIs', () => {
    const report = buildStatusReport([], [], checks(readiness(true, 'auth_error'), null));

    expect(report).toMatchObject({
      status: 'degraded',
      message: 'GitHub API authentication failed; No presets found',
    });
  });
});

describe('the runner activity', () => {
  const outcomes = { completed: 0, failed: 0, timeout: 0, interrupted: 0 };
  const activity = (running: number, pending = 0) => ({
    runners: { pending, provisioning: 0, running },
    recentActivity: {
      lastHour: { ...outcomes, completed: 2 },
      last24Hours: { ...outcomes, completed: 5, failed: 1 },
    },
  });

  it('is reported with the platform’s names and appended to the message', () => {
    const report = buildStatusReport(
      [record('linux-x64'), record('arm64')],
      [],
      checks(CONNECTED_GITHUB, activity(3)),
    );

    expect(report).toMatchObject({
      status: 'ready',
      message: '2 presets ready, 3 runners running',
      runners: { pending: 0, provisioning: 0, running: 3 },
      recentActivity: activity(3).recentActivity,
    });
  });

  it('never changes the overall status: 40 pending and none running stays ready', () => {
    const report = buildStatusReport([record('linux-x64')], [], checks(CONNECTED_GITHUB, activity(0, 40)));

    expect(report).toMatchObject({ status: 'ready', message: '1 preset ready, 40 runners pending' });
  });

  it('adds nothing to the message when there are no runners, or no counts', () => {
    expect(buildStatusReport([record('linux-x64')], [], checks(CONNECTED_GITHUB, activity(0))).message).toBe(
      '1 preset ready',
    );
    expect(buildStatusReport([record('linux-x64')], [], checks(CONNECTED_GITHUB, null))).toMatchObject({
      message: '1 preset ready',
      runners: null,
      recentActivity: null,
    });
  });

  it('follows what is wrong with the App and the AMIs', () => {
    const report = buildStatusReport(
      [record('linux-x64')],
      [],
      checks(readiness(true, 'unreachable'), activity(1)),
    );

    expect(report.message).toBe('GitHub server unreachable; 1 preset ready, 1 runner running');
  });
});
