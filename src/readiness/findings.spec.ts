import { FINDING_IDS, FINDINGS, finding, sortFindings } from './findings';

describe('findings', () => {
  it('pins the finding ids and their severities: a change is a decision, never a drift', () => {
    const bySeverity = (severity: string) => FINDING_IDS.filter((id) => FINDINGS[id].severity === severity);

    expect(bySeverity('critical')).toEqual([
      'no-presets',
      'preset-failed',
      'preset-without-ami',
      'preset-invalid',
      'runner-config-pending',
      'runner-config-missing',
      'runner-config-invalid',
      'github-not-configured',
      'github-key-not-configured',
      'github-auth-error',
      'github-unreachable',
      'github-error',
      'github-app-not-installed',
      'github-rate-limit-exhausted',
      'jobs-stuck',
    ]);
    expect(bySeverity('warning')).toEqual([
      'pipeline-disabled',
      'pipeline-not-found',
      'ami-old',
      'jobs-waiting',
      'github-app-partly-suspended',
      'github-rate-limit-low',
      'check-unavailable',
    ]);
    expect(bySeverity('info')).toEqual(['event-lost-healed']);
  });

  it('gives every finding a summary and an action that are sentences', () => {
    for (const id of FINDING_IDS) {
      expect(FINDINGS[id].action).toMatch(/^[A-Z].*\.$/);
    }
  });

  describe('finding', () => {
    it('fills the figures into the summary and takes severity and action from the table', () => {
      expect(finding('jobs-waiting', 'jobs', { minutes: 17 })).toEqual({
        id: 'jobs-waiting',
        severity: 'warning',
        subject: 'jobs',
        summary: 'The oldest pending job has waited 17 minutes for a runner.',
        action: FINDINGS['jobs-waiting'].action,
      });
      expect(finding('jobs-stuck', 'jobs', { minutes: 1 }).summary).toBe(
        'The oldest pending job has waited 1 minute for a runner.',
      );
      expect(finding('no-presets', 'platform')).toMatchObject({ severity: 'critical', subject: 'platform' });
    });
  });

  describe('sortFindings', () => {
    it('orders by severity, critical first, then by subject', () => {
      const found = [
        finding('event-lost-healed', 'alpha', { healCount: 1, lastHealedAt: '2026-11-23T11:00:00.000Z' }),
        finding('pipeline-disabled', 'beta'),
        finding('jobs-stuck', 'jobs', { minutes: 90 }),
        finding('pipeline-not-found', 'alpha'),
        finding('preset-failed', 'beta', { reason: 'Component test failed' }),
      ];

      expect(sortFindings(found).map(({ id, subject }) => `${id}@${subject}`)).toEqual([
        'preset-failed@beta',
        'jobs-stuck@jobs',
        'pipeline-not-found@alpha',
        'pipeline-disabled@beta',
        'event-lost-healed@alpha',
      ]);
    });
  });
});
