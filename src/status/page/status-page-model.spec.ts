import { readiness } from '../../github/github-readiness';
import { finding, PLATFORM_SUBJECTS } from '../../readiness/findings';
import { aPresetStatus } from '../../testing/preset-status.fixture';
import type { PresetStatus, ReconciliationReport, StatusReport } from '../contract/status.schema';
import { ageText, durationText, instant, outcomeWords, statusPageModel, whenText } from './status-page-model';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const ago = (ms: number) => NOW.getTime() - ms;
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const report = (fields: Partial<StatusReport> = {}): StatusReport => ({
  status: 'ready',
  message: '1 preset ready',
  configuration: { privateKeyConfigured: true },
  github: readiness(true, 'connected', 'spot-runner').github,
  runners: null,
  recentActivity: null,
  queue: null,
  findings: [],
  presets: [],
  reconciliation: { presets: [] },
  ...fields,
});

describe('ageText', () => {
  it.each([
    ['the same instant', 0, 'just now'],
    ['59 s', 59 * SECOND, 'just now'],
    ['30 s ahead (a clock a little off)', -30 * SECOND, 'just now'],
    ['1 min', MINUTE, '1 min ago'],
    ['59 min 59 s', HOUR - SECOND, '59 min ago'],
    ['1 h', HOUR, '1 h ago'],
    ['1 h 59 min, rounded down', 2 * HOUR - MINUTE, '1 h ago'],
    ['2 h', 2 * HOUR, '2 h ago'],
    ['23 h 59 min', DAY - MINUTE, '23 h ago'],
    ['24 h', DAY, '1 d ago'],
    ['40 days', 40 * DAY, '40 d ago'],
    ['2 min ahead', -2 * MINUTE, 'in the future'],
  ])('%s → %s', (_, elapsedMs, text) => {
    expect(ageText(ago(elapsedMs), NOW.getTime())).toBe(text);
  });
});

describe('durationText', () => {
  it.each([
    ['nothing', 0, 'under 1 min'],
    ['59 s', 59 * SECOND, 'under 1 min'],
    ['1 min', MINUTE, '1 min'],
    ['1 h 59 min, rounded down', 2 * HOUR - MINUTE, '1 h'],
    ['12 days', 12 * DAY + 5 * HOUR, '12 d'],
  ])('%s → %s', (_, ms, text) => {
    expect(durationText(ms)).toBe(text);
  });
});

describe('whenText', () => {
  it.each([
    ['6 days ahead (a next run)', -(6 * DAY + HOUR), 'in 6 d'],
    ['90 min ahead', -90 * MINUTE, 'in 1 h'],
    ['30 s ahead', -30 * SECOND, 'just now'],
    ['2 h ago (a next run overdue)', 2 * HOUR, '2 h ago'],
  ])('%s → %s', (_, elapsedMs, text) => {
    expect(whenText(ago(elapsedMs), NOW.getTime())).toBe(text);
  });
});

describe('instant', () => {
  it.each([
    ['2026-11-23T12:00:00.000Z', '2026-11-23 12:00 UTC'],
    ['2026-01-05T03:04:59.999Z', '2026-01-05 03:04 UTC'],
  ])('%s → %s', (iso, text) => {
    expect(instant(new Date(iso))).toEqual({ datetime: iso, text });
  });
});

describe('statusPageModel', () => {
  describe('the banner', () => {
    it.each([
      ['ready', 'Ready', 'good', 'The platform can take jobs'],
      ['building', 'Building', 'busy', 'Presets are building; nothing has failed'],
      ['degraded', 'Degraded', 'bad', 'The platform needs attention'],
    ] as const)('%s → a %s badge (%s) and "%s"', (status, text, tone, headline) => {
      const model = statusPageModel(report({ status, message: 'the message' }), NOW);

      expect(model.banner).toEqual({ status, badge: { text, tone }, headline, message: 'the message' });
      expect(model.checkedAt).toEqual({ datetime: NOW.toISOString(), text: '2026-11-23 12:00 UTC' });
    });
  });

  describe('what needs attention', () => {
    it('lists the findings in the order of the response, each with its severity as a text badge', () => {
      // Prepare
      const findings = [
        finding('preset-failed', 'arm64', { reason: 'Build step timed out at <arn>' }),
        finding('ami-old', 'linux-x64', { days: 40 }),
        finding('event-lost-healed', 'arm64', { healCount: 2, lastHealedAt: '2026-11-23T11:00:00.000Z' }),
      ];

      // Act
      const model = statusPageModel(report({ findings }), NOW);

      // Assess
      expect(model.findings).toEqual([
        {
          severity: { text: 'Critical', tone: 'bad' },
          subject: 'arm64',
          summary: 'The preset’s last build failed: Build step timed out at <arn>',
          action: findings[0].action,
        },
        {
          severity: { text: 'Warning', tone: 'warn' },
          subject: 'linux-x64',
          summary:
            'The preset’s AMI was built 40 days ago; the runner in it may be too old for GitHub to assign jobs to.',
          action: 'Run the preset’s pipeline, or check its schedule.',
        },
        expect.objectContaining({ severity: { text: 'Info', tone: 'neutral' }, subject: 'arm64' }),
      ]);
    });

    it('is empty when nothing needs attention', () => {
      expect(statusPageModel(report(), NOW).findings).toEqual([]);
    });

    it.each([
      ['github-app', 'GitHub App'],
      ['jobs', 'Jobs'],
      ['platform', 'Platform'],
    ])('names the subject %s in words: %s', (subject, words) => {
      const model = statusPageModel(report({ findings: [finding('github-error', subject)] }), NOW);

      expect(model.findings).toEqual([expect.objectContaining({ subject: words })]);
    });

    it('has words for every subject that is no preset', () => {
      const model = statusPageModel(
        report({ findings: PLATFORM_SUBJECTS.map((subject) => finding('github-error', subject)) }),
        NOW,
      );

      for (const [i, subject] of PLATFORM_SUBJECTS.entries())
        expect(model.findings[i].subject).not.toBe(subject);
    });

    it('keeps the name of a preset that is called like a platform subject', () => {
      const model = statusPageModel(
        report({
          presets: [aPresetStatus({ name: 'jobs', status: 'invalid', amiId: null, updatedAt: null })],
          findings: [finding('preset-invalid', 'jobs')],
        }),
        NOW,
      );

      expect(model.findings).toEqual([expect.objectContaining({ subject: 'jobs' })]);
    });
  });

  describe('a preset row', () => {
    it.each([
      [
        'ready, updated 2 h ago',
        {
          name: 'linux-x64',
          status: 'ready',
          amiId: 'ami-0123456789abcdef0',
          updatedAt: '2026-11-23T10:00:00.000Z',
        },
        {
          name: 'linux-x64',
          status: { text: 'Ready', tone: 'good' },
          amiId: 'ami-0123456789abcdef0',
          updated: { datetime: '2026-11-23T10:00:00.000Z', text: '2026-11-23 10:00 UTC', age: '2 h ago' },
          pipeline: null,
          amiAge: null,
          lastHeal: null,
          runnerConfigPending: false,
        },
      ],
      [
        'ready, its runner config pending',
        {
          name: 'linux-x64',
          status: 'ready',
          amiId: 'ami-0123456789abcdef0',
          updatedAt: '2026-11-23T11:59:30.000Z',
          runnerConfigPending: true,
        },
        {
          status: { text: 'Ready', tone: 'good' },
          updated: expect.objectContaining({ age: 'just now' }),
          runnerConfigPending: true,
        },
      ],
      [
        'building, no AMI yet',
        { name: 'arm64', status: 'building', amiId: null, updatedAt: '2026-11-23T11:55:00.000Z' },
        {
          status: { text: 'Building', tone: 'busy' },
          amiId: null,
          updated: expect.objectContaining({ age: '5 min ago' }),
        },
      ],
      [
        'failed',
        { name: 'arm64', status: 'failed', amiId: null, updatedAt: '2026-11-20T12:00:00.000Z' },
        { status: { text: 'Failed', tone: 'bad' }, updated: expect.objectContaining({ age: '3 d ago' }) },
      ],
      [
        'an invalid record without updatedAt',
        { name: 'JOB#123', status: 'invalid', amiId: null, updatedAt: null },
        { name: 'JOB#123', status: { text: 'Invalid record', tone: 'bad' }, updated: null },
      ],
      [
        'an invalid record whose updatedAt is no date: shown as stored',
        { name: 'arm64', status: 'invalid', amiId: null, updatedAt: 'yesterday' },
        { updated: { datetime: null, text: 'yesterday', age: 'not a date' } },
      ],
      [
        'an updatedAt with an offset, shown in UTC',
        {
          name: 'arm64',
          status: 'ready',
          amiId: 'ami-0123456789abcdef0',
          updatedAt: '2026-11-23T13:00:00+02:00',
        },
        { updated: { datetime: '2026-11-23T11:00:00.000Z', text: '2026-11-23 11:00 UTC', age: '1 h ago' } },
      ],
    ] as const)('%s', (_, preset, row) => {
      const model = statusPageModel(report({ presets: [aPresetStatus(preset)] }), NOW);

      expect(model.presets).toEqual([expect.objectContaining(row)]);
    });
  });

  describe("a preset's pipeline, AMI age and last heal", () => {
    const row = (fields: Partial<PresetStatus>) =>
      statusPageModel(
        report({
          presets: [
            aPresetStatus({
              name: 'linux-x64',
              status: 'ready',
              amiId: 'ami-0123456789abcdef0',
              updatedAt: '2026-11-23T10:00:00.000Z',
              ...fields,
            }),
          ],
        }),
        NOW,
      ).presets[0];

    it.each([
      [
        'enabled, with its last and next run',
        { status: 'ENABLED', lastRunAt: '2026-11-23T10:00:00.000Z', nextRunAt: '2026-11-30T10:00:00.000Z' },
        {
          status: { text: 'Enabled', tone: 'good' },
          runs: {
            last: { datetime: '2026-11-23T10:00:00.000Z', text: '2026-11-23 10:00 UTC', age: '2 h ago' },
            next: { datetime: '2026-11-30T10:00:00.000Z', text: '2026-11-30 10:00 UTC', age: 'in 6 d' },
          },
        },
      ],
      [
        'disabled, never run and not scheduled',
        { status: 'DISABLED', lastRunAt: null, nextRunAt: null },
        { status: { text: 'Disabled', tone: 'warn' }, runs: { last: null, next: null } },
      ],
      [
        'not found: no runs to show',
        { status: 'not-found', lastRunAt: null, nextRunAt: null },
        { status: { text: 'Not found', tone: 'warn' }, runs: null },
      ],
    ] as const)('the pipeline %s', (_, pipeline, cell) => {
      expect(row({ pipeline }).pipeline).toEqual(cell);
    });

    it('has no pipeline cell when the pipeline could not be checked', () => {
      expect(row({ pipeline: null }).pipeline).toBeNull();
    });

    it.each([
      [
        'built 12 days ago',
        '2026-11-11T06:00:00.000Z',
        { datetime: '2026-11-11T06:00:00.000Z', text: '12 d' },
      ],
      [
        'built 115 min ago',
        '2026-11-23T10:05:00.000Z',
        { datetime: '2026-11-23T10:05:00.000Z', text: '1 h' },
      ],
      [
        'a time ahead of the clock',
        '2026-11-23T13:00:00.000Z',
        expect.objectContaining({ text: 'in the future' }),
      ],
      ['no date', 'last week', { datetime: null, text: 'not a date' }],
      ['not known', null, null],
    ])('the AMI age, %s', (_, amiCreatedAt, amiAge) => {
      expect(row({ amiCreatedAt }).amiAge).toEqual(amiAge);
    });

    it.each([
      [
        'healed once, just now',
        { healCount: 1, lastHealedAt: NOW.toISOString() },
        { datetime: NOW.toISOString(), text: '2026-11-23 12:00 UTC', age: 'just now', count: '1 heal' },
      ],
      [
        'healed 4 times, last 3 days ago',
        { healCount: 4, lastHealedAt: '2026-11-20T12:00:00.000Z' },
        expect.objectContaining({ age: '3 d ago', count: '4 heals' }),
      ],
      ['never healed', { healCount: 0, lastHealedAt: null }, null],
    ])('the last heal, %s', (_, fields, lastHeal) => {
      expect(row(fields).lastHeal).toEqual(lastHeal);
    });
  });

  describe('what reconciliation did, in plain words', () => {
    const entry = (fields: Omit<ReconciliationReport, 'name' | 'cached'>): ReconciliationReport => ({
      name: 'linux-x64',
      cached: false,
      ...fields,
    });

    it.each([
      [
        entry({ outcome: 'corrected', from: 'building', to: 'ready', ssmConfig: 'updated' }),
        'Corrected',
        'good',
        'Was stuck building although its newest image is available: now ready. Runner config: set to the AMI.',
      ],
      [
        entry({ outcome: 'corrected', from: 'building', to: 'ready', ssmConfig: 'ssm-parameter-missing' }),
        'Corrected',
        'good',
        'Was stuck building although its newest image is available: now ready. Runner config: the parameter does not exist, so the AMI could not be set.',
      ],
      [
        entry({ outcome: 'corrected', from: 'building', to: 'failed' }),
        'Corrected',
        'bad',
        'Was stuck building although its newest image failed: now failed.',
      ],
      [
        entry({ outcome: 'still-building' }),
        'Still building',
        'busy',
        'Building for longer than the threshold, and its newest image is still being built.',
      ],
      [
        entry({ outcome: 'ssm-update-completed', ssmConfig: 'already-set' }),
        'Runner config updated',
        'good',
        'A runner config update left pending earlier is done. Runner config: already had the AMI.',
      ],
      [
        entry({ outcome: 'ssm-drift-repaired', ssmConfig: 'updated' }),
        'Runner config repaired',
        'good',
        "Its runner config did not hold the preset's AMI. Runner config: set to the AMI.",
      ],
      [
        entry({ outcome: 'unresolved', reason: 'pipeline-not-found' }),
        'Unresolved',
        'bad',
        'No Image Builder pipeline was found for this preset.',
      ],
      [
        entry({ outcome: 'unresolved', reason: 'no-newer-image' }),
        'Unresolved',
        'bad',
        'Its pipeline shows no image newer than the one the record already reflects.',
      ],
      [
        entry({ outcome: 'unresolved', reason: 'ssm-update-pending', ssmConfig: 'deadline-exceeded' }),
        'Unresolved',
        'bad',
        'The pending runner config update did not go through. Runner config: the request ran out of time before it was set; the next request tries again.',
      ],
      [
        entry({ outcome: 'unresolved', reason: 'superseded' }),
        'Unresolved',
        'bad',
        'Another writer changed the record first; its newer state is shown.',
      ],
    ])('%j → %s (%s): %s', (reconciliation, text, tone, summary) => {
      expect(outcomeWords(reconciliation)).toEqual({ outcome: { text, tone }, summary });
    });

    it('keeps the preset and says when an earlier request found it', () => {
      const model = statusPageModel(
        report({
          reconciliation: { presets: [{ name: 'windows-x64', outcome: 'still-building', cached: true }] },
        }),
        NOW,
      );

      expect(model.reconciliation).toEqual([
        expect.objectContaining({
          name: 'windows-x64',
          outcome: { text: 'Still building', tone: 'busy' },
          cached: true,
        }),
      ]);
    });
  });

  describe('GitHub and the runners', () => {
    it.each([
      [
        readiness(true, 'connected', 'spot-runner'),
        { text: 'Connected', tone: 'good' },
        'spot-runner',
        'Stored',
      ],
      [readiness(true, 'auth_error'), { text: 'Authentication failed', tone: 'bad' }, null, 'Stored'],
      [readiness(true, 'unreachable'), { text: 'Unreachable', tone: 'bad' }, null, 'Stored'],
      [readiness(false, 'not-configured'), { text: 'Not configured', tone: 'bad' }, null, 'Not configured'],
    ])('%j → %j', (github, status, appSlug, privateKey) => {
      const model = statusPageModel(
        report({
          configuration: { privateKeyConfigured: github.privateKeyConfigured },
          github: github.github,
        }),
        NOW,
      );

      expect(model.github).toEqual({
        status,
        message: github.github.message,
        appSlug,
        privateKey: expect.objectContaining({ text: privateKey }),
      });
    });

    it('lists the runners busiest state first and the jobs by outcome', () => {
      const model = statusPageModel(
        report({
          runners: { pending: 1, provisioning: 0, running: 3 },
          recentActivity: {
            lastHour: { completed: 4, failed: 0, timeout: 1, interrupted: 0 },
            last24Hours: { completed: 31, failed: 2, timeout: 1, interrupted: 5 },
          },
        }),
        NOW,
      );

      expect(model.runners).toEqual([
        { state: 'Running', count: 3 },
        { state: 'Provisioning', count: 0 },
        { state: 'Pending', count: 1 },
      ]);
      expect(model.recentActivity).toEqual([
        { outcome: 'Completed', lastHour: 4, last24Hours: 31 },
        { outcome: 'Failed', lastHour: 0, last24Hours: 2 },
        { outcome: 'Timed out', lastHour: 1, last24Hours: 1 },
        { outcome: 'Interrupted', lastHour: 0, last24Hours: 5 },
      ]);
    });

    it('has no runner rows when the job records could not be counted', () => {
      const model = statusPageModel(report(), NOW);

      expect(model.runners).toBeNull();
      expect(model.recentActivity).toBeNull();
    });
  });
});
