import { AmiRecord, ParsedAmiRecord } from '../ami-state/ami-record';
import { GitHubReadiness, readiness } from '../github/github-readiness';
import { githubCheckResult } from '../github/github-readiness.check';
import type { PipelineReport, PresetPipelines } from '../reconciliation/pipeline-report';
import { ReportedReconciliation } from '../reconciliation/preset-reconciliation';
import type { JobQueue } from '../runners/job-queue';
import { RunnerActivity } from '../runners/runner-activity';
import { runnerActivityResult } from '../runners/runner-activity.check';
import { aReadyAmiRecord } from '../testing/ami-record.fixture';
import { CONNECTED_GITHUB } from '../testing/github-readiness.fixture';
import fc from 'fast-check';
import { testConfig } from '../testing/test-config';
import {
  buildStatusReport,
  overallStatus,
  presetFindings,
  statusMessage,
  toPresetStatus,
} from './status-report';
import type { PresetStatus } from './contract/status.schema';
import { aPresetStatus } from '../testing/preset-status.fixture';

const updatedAt = '2026-11-23T12:00:00.000Z';
/** The rules the presets are judged by, at 12:05 on the day of `updatedAt`. */
const PRESET_RULES = {
  now: new Date('2026-11-23T12:05:00.000Z'),
  amiMaxAgeMs: testConfig().amiMaxAgeMs,
  runnerConfigProblems: new Map(),
};
/** The pipeline check ran but reported no preset's pipeline: each is null, and nothing is found of them. */
const NO_PIPELINE_REPORTS: PresetPipelines = new Map();
const buildArn = 'arn:aws:imagebuilder:eu-west-1:123456789012:image/spot-runner-linux-x64/1.0.0/3';

const ready = (name: string): PresetStatus =>
  aPresetStatus({ name, status: 'ready', amiId: 'ami-0123456789abcdef0', updatedAt });
const readyWithoutAmi = (name: string) => aPresetStatus({ name, status: 'ready', amiId: null, updatedAt });
const building = (name: string) => aPresetStatus({ name, status: 'building', amiId: null, updatedAt });
const failed = (name: string) => aPresetStatus({ name, status: 'failed', amiId: null, updatedAt });
const invalid = (name: string) => aPresetStatus({ name, status: 'invalid', amiId: null, updatedAt: null });

/** A ready record of `presetName` (the shared builder), as of `updatedAt`. */
const amiRecord = (presetName: string, fields: Partial<AmiRecord> = {}): AmiRecord =>
  aReadyAmiRecord({ presetName, updatedAt, buildId: undefined, ...fields });

const record = (presetName: string, fields: Partial<AmiRecord> = {}): ParsedAmiRecord => ({
  kind: 'valid',
  record: amiRecord(presetName, fields),
});

/** A queue read with no job waiting. */
const NO_JOB_WAITING: JobQueue = { oldestPendingAgeSeconds: null, oldestProvisioningAgeSeconds: null };

/** The results of the list's checks, in its order: the GitHub App's readiness, then the job records. */
const checks = (
  github: GitHubReadiness,
  activity: RunnerActivity | null,
  queue: JobQueue | null = NO_JOB_WAITING,
) => [githubCheckResult(github), runnerActivityResult({ activity, queue }, testConfig())];

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
    const status = toPresetStatus(
      record('linux-x64', { ssmPendingAmiId: 'ami-0123456789abcdef0' }),
      NO_PIPELINE_REPORTS,
    );

    expect(status).toEqual(
      aPresetStatus({
        name: 'linux-x64',
        status: 'ready',
        amiId: 'ami-0123456789abcdef0',
        updatedAt,
        runnerConfigPending: true,
      }),
    );
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
    const status = toPresetStatus(parsed, NO_PIPELINE_REPORTS);

    // Assess
    expect(status).toEqual(aPresetStatus({ name: 'JOB#123', status: 'invalid', amiId: null, updatedAt }));
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
    const report = buildStatusReport(
      records,
      NO_PIPELINE_REPORTS,
      [],
      checks(CONNECTED_GITHUB, null),
      PRESET_RULES,
    );

    // Assess
    expect(report).toEqual({
      status: 'building',
      message: '2 presets ready, 1 preset building',
      configuration: { privateKeyConfigured: true },
      github: CONNECTED_GITHUB.github,
      runners: null,
      recentActivity: null,
      queue: NO_JOB_WAITING,
      findings: [],
      presets: [ready('arm64'), ready('linux-x64'), building('windows-x64')],
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
    const report = buildStatusReport(
      [],
      NO_PIPELINE_REPORTS,
      reconciliations,
      checks(CONNECTED_GITHUB, null),
      PRESET_RULES,
    );

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
      NO_PIPELINE_REPORTS,
      reconciliations,
      checks(CONNECTED_GITHUB, null),
      PRESET_RULES,
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
        NO_PIPELINE_REPORTS,
        reconciliations,
        checks(CONNECTED_GITHUB, null),
        PRESET_RULES,
      ),
    );

    // Assess
    expect(body).not.toMatch(/buildId|errorMessage|arn:|123456789012/);
    expect(body).toContain('"name":"linux-x64"');
    // The failure's reason is the one AWS text the answer carries, redacted.
    expect(body).toContain('"failureReason":"Access denied for <arn>"');
  });

  it('reports an invalid record as an invalid preset and the service as degraded', () => {
    // Prepare
    const records: ParsedAmiRecord[] = [
      record('linux-x64'),
      { kind: 'invalid', invalid: { name: 'JOB#123', reason: 'invalid-preset-name', updatedAt: null } },
    ];

    // Act
    const report = buildStatusReport(
      records,
      NO_PIPELINE_REPORTS,
      [],
      checks(CONNECTED_GITHUB, null),
      PRESET_RULES,
    );

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
    const report = buildStatusReport(allReady, NO_PIPELINE_REPORTS, [], checks(github, null), PRESET_RULES);

    // Assess
    expect(report.status).toBe('degraded');
    expect(report.message).toBe(`${lead}; 2 presets ready`);
    expect(report.configuration).toEqual({ privateKeyConfigured: github.privateKeyConfigured });
    expect(report.github).toEqual(github.github);
  });

  it('leaves the AMIs to decide when the key is configured and GitHub is connected', () => {
    const building = [record('linux-x64'), record('arm64', { status: 'building', amiId: null })];

    expect(
      buildStatusReport(allReady, NO_PIPELINE_REPORTS, [], checks(CONNECTED_GITHUB, null), PRESET_RULES),
    ).toMatchObject({
      status: 'ready',
      message: '2 presets ready',
    });
    expect(
      buildStatusReport(building, NO_PIPELINE_REPORTS, [], checks(CONNECTED_GITHUB, null), PRESET_RULES),
    ).toMatchObject({
      status: 'building',
      message: '1 preset ready, 1 preset building',
    });
  });

  it.each([
    [{ installations: { total: 0, suspended: 0 }, rateLimit: null }, 'GitHub App has no active installation'],
    [
      { rateLimit: { remaining: 0, limit: 5000, resetAt: '2026-12-01T13:00:00.000Z' } },
      'GitHub App rate limit exhausted',
    ],
  ])('makes every-AMI-ready degraded for a connected App that cannot take jobs (%j)', (app, lead) => {
    const github = readiness(true, 'connected', 'spot-runner-test', {
      ...CONNECTED_GITHUB.github,
      unavailableChecks: [],
      ...app,
    });

    const report = buildStatusReport(allReady, NO_PIPELINE_REPORTS, [], checks(github, null), PRESET_RULES);

    expect(report).toMatchObject({ status: 'degraded', message: `${lead}; 2 presets ready` });
    expect(report.github.status).toBe('connected');
  });

  it('leaves a connected App whose installations could not be listed ready, with a warning', () => {
    const github = readiness(true, 'connected', 'spot-runner-test', {
      installations: null,
      rateLimit: null,
      unavailableChecks: ['github-installations', 'github-rate-limit'],
    });

    const report = buildStatusReport(allReady, NO_PIPELINE_REPORTS, [], checks(github, null), PRESET_RULES);

    expect(report).toMatchObject({ status: 'ready', message: '2 presets ready' });
    expect(report.findings.map((found) => [found.id, found.severity])).toEqual([
      ['check-unavailable', 'warning'],
      ['check-unavailable', 'warning'],
    ]);
  });

  it('says what is wrong with both the App and the AMIs', () => {
    const report = buildStatusReport(
      [],
      NO_PIPELINE_REPORTS,
      [],
      checks(readiness(true, 'auth_error'), null),
      PRESET_RULES,
    );

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
      NO_PIPELINE_REPORTS,
      [],
      checks(CONNECTED_GITHUB, activity(3)),
      PRESET_RULES,
    );

    expect(report).toMatchObject({
      status: 'ready',
      message: '2 presets ready, 3 runners running',
      runners: { pending: 0, provisioning: 0, running: 3 },
      recentActivity: activity(3).recentActivity,
    });
  });

  it('never changes the overall status: 40 pending and none running stays ready', () => {
    const report = buildStatusReport(
      [record('linux-x64')],
      NO_PIPELINE_REPORTS,
      [],
      checks(CONNECTED_GITHUB, activity(0, 40)),
      PRESET_RULES,
    );

    expect(report).toMatchObject({ status: 'ready', message: '1 preset ready, 40 runners pending' });
  });

  it('adds nothing to the message when there are no runners, or no counts', () => {
    expect(
      buildStatusReport(
        [record('linux-x64')],
        NO_PIPELINE_REPORTS,
        [],
        checks(CONNECTED_GITHUB, activity(0)),
        PRESET_RULES,
      ).message,
    ).toBe('1 preset ready');
    expect(
      buildStatusReport(
        [record('linux-x64')],
        NO_PIPELINE_REPORTS,
        [],
        checks(CONNECTED_GITHUB, null),
        PRESET_RULES,
      ),
    ).toMatchObject({
      message: '1 preset ready',
      runners: null,
      recentActivity: null,
    });
  });

  it('follows what is wrong with the App and the AMIs', () => {
    const report = buildStatusReport(
      [record('linux-x64')],
      NO_PIPELINE_REPORTS,
      [],
      checks(readiness(true, 'unreachable'), activity(1)),
      PRESET_RULES,
    );

    expect(report.message).toBe('GitHub server unreachable; 1 preset ready, 1 runner running');
  });
});

describe('the queue', () => {
  const waited = (minutes: number): JobQueue => ({
    oldestPendingAgeSeconds: minutes * 60,
    oldestProvisioningAgeSeconds: null,
  });

  it('is reported with the platform’s names', () => {
    const queue = { oldestPendingAgeSeconds: 75, oldestProvisioningAgeSeconds: 20 };

    const report = buildStatusReport(
      [record('linux-x64')],
      NO_PIPELINE_REPORTS,
      [],
      checks(CONNECTED_GITHUB, null, queue),
      PRESET_RULES,
    );

    expect(report).toMatchObject({ status: 'ready', queue, findings: [] });
  });

  it('makes the platform degraded when a job is stuck: the message leads with it, after the App', () => {
    const stuck = buildStatusReport(
      [record('linux-x64')],
      NO_PIPELINE_REPORTS,
      [],
      checks(CONNECTED_GITHUB, null, waited(61)),
      PRESET_RULES,
    );
    const withApp = buildStatusReport(
      [record('linux-x64')],
      NO_PIPELINE_REPORTS,
      [],
      checks(readiness(true, 'unreachable'), null, waited(61)),
      PRESET_RULES,
    );

    expect(stuck).toMatchObject({
      status: 'degraded',
      message: 'Jobs stuck waiting for a runner; 1 preset ready',
    });
    expect(stuck.findings).toEqual([
      expect.objectContaining({ id: 'jobs-stuck', severity: 'critical', subject: 'jobs' }),
    ]);
    expect(withApp.message).toBe(
      'GitHub server unreachable; Jobs stuck waiting for a runner; 1 preset ready',
    );
  });

  it('never changes the status with a warning: a job waiting, or a queue that cannot be read', () => {
    const waiting = buildStatusReport(
      [record('linux-x64')],
      NO_PIPELINE_REPORTS,
      [],
      checks(CONNECTED_GITHUB, null, waited(16)),
      PRESET_RULES,
    );
    const unread = buildStatusReport(
      [record('linux-x64')],
      NO_PIPELINE_REPORTS,
      [],
      checks(CONNECTED_GITHUB, null, null),
      PRESET_RULES,
    );

    expect(waiting).toMatchObject({ status: 'ready', message: '1 preset ready' });
    expect(waiting.findings).toEqual([expect.objectContaining({ id: 'jobs-waiting', severity: 'warning' })]);
    expect(unread).toMatchObject({ status: 'ready', queue: null });
    expect(unread.findings).toEqual([
      expect.objectContaining({ id: 'check-unavailable', severity: 'warning' }),
    ]);
  });
});

/** A pipeline as the check reports it, run a day before `updatedAt`. */
const pipelineOf = (status: PipelineReport['status']): PipelineReport => ({
  status,
  lastRunAt: status === 'not-found' ? null : '2026-11-22T12:00:00.000Z',
  nextRunAt: null,
});

describe('presetFindings', () => {
  const preset = fc.record({
    name: fc.constantFrom('arm64', 'linux-x64', 'windows-x64'),
    status: fc.constantFrom('ready', 'building', 'failed', 'invalid'),
    amiId: fc.constantFrom(null, 'ami-0123456789abcdef0'),
    runnerConfigPending: fc.constantFrom(undefined, true),
    pipeline: fc.constantFrom(
      null,
      ...(['ENABLED', 'DISABLED', 'not-found'] as const).map((status) => pipelineOf(status)),
    ),
  });

  it('gives a critical finding exactly when the presets make the status degraded', () => {
    fc.assert(
      fc.property(fc.array(preset, { maxLength: 4 }), (drawn) => {
        const presets = drawn.map(({ runnerConfigPending, ...fields }) =>
          aPresetStatus({ ...fields, updatedAt, ...(runnerConfigPending && { runnerConfigPending }) }),
        );
        const critical = presetFindings(presets, PRESET_RULES).some((found) => found.severity === 'critical');

        expect(critical).toBe(overallStatus(presets) === 'degraded');
      }),
    );
  });

  it.each([
    [[], 'no-presets', 'platform'],
    [[failed('arm64')], 'preset-failed', 'arm64'],
    [[readyWithoutAmi('arm64')], 'preset-without-ami', 'arm64'],
    [[invalid('arm64')], 'preset-invalid', 'arm64'],
    [[{ ...ready('arm64'), runnerConfigPending: true as const }], 'runner-config-pending', 'arm64'],
  ])('finds %j: %s about %s', (presets, id, subject) => {
    expect(presetFindings(presets, PRESET_RULES)).toEqual([
      expect.objectContaining({ id, subject, severity: 'critical' }),
    ]);
  });

  it('finds nothing wrong with ready presets that have their AMI, or one still building', () => {
    expect(presetFindings([ready('arm64'), building('linux-x64')], PRESET_RULES)).toEqual([]);
  });

  it('carries the failed build’s redacted reason in the summary', () => {
    const report = buildStatusReport(
      [record('arm64', { status: 'failed', errorMessage: 'Role arn:aws:iam::123456789012:role/x denied' })],
      NO_PIPELINE_REPORTS,
      [],
      checks(CONNECTED_GITHUB, null),
      PRESET_RULES,
    );

    expect(report.presets[0].failureReason).toBe('Role <arn> denied');
    expect(report.findings).toEqual([
      expect.objectContaining({
        id: 'preset-failed',
        summary: 'The preset’s last build failed: Role <arn> denied',
      }),
    ]);
  });
});

describe('presetFindings, over time', () => {
  const DAY = 24 * 60 * 60_000;
  const before = (ms: number) => new Date(PRESET_RULES.now.getTime() - ms).toISOString();

  it('finds ami-old for a ready preset whose AMI was built more than AMI_MAX_AGE_DAYS ago', () => {
    const old = { ...ready('arm64'), amiCreatedAt: before(31 * DAY) };

    expect(presetFindings([old], PRESET_RULES)).toEqual([
      expect.objectContaining({
        id: 'ami-old',
        severity: 'warning',
        subject: 'arm64',
        summary: expect.stringContaining('built 31 days ago'),
      }),
    ]);
  });

  it('finds no ami-old at exactly AMI_MAX_AGE_DAYS, nor without the image’s date', () => {
    const edge = { ...ready('arm64'), amiCreatedAt: before(30 * DAY) };
    const undated = { ...ready('linux-x64'), amiCreatedAt: null };

    expect(presetFindings([edge, undated], PRESET_RULES)).toEqual([]);
  });

  it('finds event-lost-healed for a preset healed within the last 24 hours, with its count', () => {
    const healed = { ...ready('arm64'), healCount: 2, lastHealedAt: before(DAY - 60_000) };

    expect(presetFindings([healed], PRESET_RULES)).toEqual([
      expect.objectContaining({
        id: 'event-lost-healed',
        severity: 'info',
        summary: `The preset was healed at ${healed.lastHealedAt} (2 heals in all): an Image Builder event was lost.`,
      }),
    ]);
  });

  it('finds no event-lost-healed once the last heal is 24 hours old', () => {
    const healed = { ...ready('arm64'), healCount: 5, lastHealedAt: before(DAY) };

    expect(presetFindings([healed], PRESET_RULES)).toEqual([]);
  });

  it('never lets a warning or info finding make the status degraded', () => {
    const old = {
      ...ready('arm64'),
      amiCreatedAt: before(400 * DAY),
      healCount: 1,
      lastHealedAt: before(60_000),
    };
    const report = buildStatusReport(
      [record('arm64', { imageCreatedAt: old.amiCreatedAt, healCount: 1, healedAt: old.lastHealedAt })],
      NO_PIPELINE_REPORTS,
      [],
      checks(CONNECTED_GITHUB, null),
      PRESET_RULES,
    );

    expect(report.findings.map((found) => found.id)).toEqual(['ami-old', 'event-lost-healed']);
    expect(report.status).toBe('ready');
  });
});

describe('presetFindings, runner configs', () => {
  it.each([
    ['ssm-parameter-missing', 'runner-config-missing'],
    ['ssm-config-invalid', 'runner-config-invalid'],
  ] as const)(
    'finds a runner config %s as %s (critical), whether or not the record is marked',
    (problem, id) => {
      const rules = { ...PRESET_RULES, runnerConfigProblems: new Map([['arm64', problem]]) };
      const marked = { ...ready('arm64'), runnerConfigPending: true as const };

      expect(presetFindings([ready('arm64')], rules)).toEqual([
        expect.objectContaining({ id, severity: 'critical', subject: 'arm64' }),
      ]);
      expect(presetFindings([marked], rules)).toEqual([expect.objectContaining({ id })]);
    },
  );

  it('finds runner-config-pending, not missing, for a marked preset whose config has no known problem', () => {
    const marked = { ...ready('arm64'), runnerConfigPending: true as const };
    const other = {
      ...PRESET_RULES,
      runnerConfigProblems: new Map([['linux-x64', 'ssm-parameter-missing' as const]]),
    };

    expect(presetFindings([marked], other)).toEqual([
      expect.objectContaining({ id: 'runner-config-pending' }),
    ]);
  });

  it('makes a ready preset whose runner config is missing degraded, though its record holds no mark', () => {
    const report = buildStatusReport(
      [record('arm64')],
      NO_PIPELINE_REPORTS,
      [],
      checks(CONNECTED_GITHUB, null),
      {
        ...PRESET_RULES,
        runnerConfigProblems: new Map([['arm64', 'ssm-parameter-missing' as const]]),
      },
    );

    expect(report.status).toBe('degraded');
    expect(report.findings.map((found) => found.id)).toEqual(['runner-config-missing']);
  });
});

describe('the presets’ pipelines', () => {
  const pipelines = (entries: Record<string, PipelineReport>): PresetPipelines =>
    new Map(Object.entries(entries));
  const report = (records: ParsedAmiRecord[], found: PresetPipelines) =>
    buildStatusReport(records, found, [], checks(CONNECTED_GITHUB, null), PRESET_RULES);

  describe('toPresetStatus', () => {
    it('carries the pipeline the check reported for the preset', () => {
      const found = pipelines({ 'linux-x64': pipelineOf('ENABLED') });

      expect(toPresetStatus(record('linux-x64'), found).pipeline).toEqual(pipelineOf('ENABLED'));
    });

    it('is null for a preset the check could not tell of (not understood), or when it could not run', () => {
      const found = pipelines({ arm64: pipelineOf('ENABLED') });

      expect(toPresetStatus(record('linux-x64'), found).pipeline).toBeNull();
      expect(toPresetStatus(record('linux-x64'), null).pipeline).toBeNull();
    });

    it('is null for an invalid preset, whatever the check says of its name', () => {
      const parsed: ParsedAmiRecord = {
        kind: 'invalid',
        invalid: { name: 'linux-x64', reason: 'invalid-status', updatedAt },
      };

      expect(toPresetStatus(parsed, pipelines({ 'linux-x64': pipelineOf('DISABLED') })).pipeline).toBeNull();
    });
  });

  it('finds pipeline-disabled for a preset whose pipeline is DISABLED', () => {
    expect(presetFindings([{ ...ready('arm64'), pipeline: pipelineOf('DISABLED') }], PRESET_RULES)).toEqual([
      {
        id: 'pipeline-disabled',
        severity: 'warning',
        subject: 'arm64',
        summary: 'The preset’s Image Builder pipeline is disabled, so it builds no new AMI.',
        action: expect.any(String),
      },
    ]);
  });

  it('finds no pipeline-disabled for an ENABLED pipeline', () => {
    expect(presetFindings([{ ...ready('arm64'), pipeline: pipelineOf('ENABLED') }], PRESET_RULES)).toEqual(
      [],
    );
  });

  it('finds pipeline-not-found for a preset without a pipeline named for it', () => {
    expect(
      presetFindings([{ ...building('arm64'), pipeline: pipelineOf('not-found') }], PRESET_RULES),
    ).toEqual([expect.objectContaining({ id: 'pipeline-not-found', severity: 'warning', subject: 'arm64' })]);
  });

  it('finds no pipeline-not-found for a preset whose pipeline is unknown (null)', () => {
    expect(presetFindings([{ ...building('arm64'), pipeline: null }], PRESET_RULES)).toEqual([]);
  });

  it('finds check-unavailable (pipelines) about the platform when the check could not run, every pipeline null', () => {
    const unchecked = report([record('linux-x64'), record('arm64')], null);

    expect(unchecked.presets.map((preset) => preset.pipeline)).toEqual([null, null]);
    expect(unchecked.findings).toEqual([
      {
        id: 'check-unavailable',
        severity: 'warning',
        subject: 'platform',
        summary: 'The pipelines check could not run; what it watches is unknown.',
        action: expect.any(String),
      },
    ]);
  });

  it('finds no check-unavailable when the check ran, even if it could tell of no preset', () => {
    expect(report([record('linux-x64')], NO_PIPELINE_REPORTS).findings).toEqual([]);
    expect(report([], NO_PIPELINE_REPORTS).findings).toEqual([expect.objectContaining({ id: 'no-presets' })]);
  });

  it('never changes the overall status or the message: its findings are warnings', () => {
    const records = [record('a'), record('b'), record('c')];
    const found = pipelines({ a: pipelineOf('DISABLED'), b: pipelineOf('not-found') });

    const [withWarnings, unchecked, clean] = [
      report(records, found),
      report(records, null),
      report(records, NO_PIPELINE_REPORTS),
    ];

    expect([withWarnings, unchecked].map(({ status, message }) => ({ status, message }))).toEqual([
      { status: clean.status, message: clean.message },
      { status: clean.status, message: clean.message },
    ]);
    expect(clean.status).toBe('ready');
    expect(withWarnings.findings.map(({ id, subject }) => [id, subject])).toEqual([
      ['pipeline-disabled', 'a'],
      ['pipeline-not-found', 'b'],
    ]);
  });
});
