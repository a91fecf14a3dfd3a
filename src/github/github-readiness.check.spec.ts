import { strictMock } from '../testing/strict-mock';
import { AppInstallations } from './github-installations';
import { readiness } from './github-readiness';
import { githubCheckResult, GitHubReadinessCheck } from './github-readiness.check';
import { GitHubReadinessService } from './github-readiness.service';

describe(GitHubReadinessCheck.name, () => {
  describe('check', () => {
    it('answers the App’s readiness under the contract’s names, checked within the request’s deadline', async () => {
      // Prepare
      const service = strictMock<GitHubReadinessService>('GitHubReadinessService');
      service.check.mockResolvedValue(readiness(true, 'connected', 'spot-runner'));
      const deadline = new AbortController().signal;

      // Act
      const result = await new GitHubReadinessCheck(service).check(deadline);

      // Assess
      expect(result).toEqual({
        fields: {
          configuration: { privateKeyConfigured: true },
          github: {
            status: 'connected',
            message: 'GitHub App authenticated',
            appSlug: 'spot-runner',
            installations: null,
            rateLimit: null,
          },
        },
        findings: [],
        metrics: [{ name: 'GitHubConnected', value: 1 }],
      });
      expect(service.check).toHaveBeenCalledWith(deadline);
    });
  });
});

/** A connected App, with what its sub-checks read. */
const connected = (app: Partial<AppInstallations>) =>
  readiness(true, 'connected', 'spot-runner', {
    installations: { total: 1, suspended: 0 },
    rateLimit: { remaining: 5000, limit: 5000, resetAt: '2026-12-01T13:00:00.000Z' },
    unavailableChecks: [],
    ...app,
  });

describe(githubCheckResult.name, () => {
  it.each([
    [readiness(false, 'not-configured'), 'GitHub App private key not configured'],
    [readiness(false, 'connected'), 'GitHub App private key not configured'],
    [readiness(true, 'not-configured'), 'GitHub App not configured'],
    [readiness(true, 'auth_error'), 'GitHub API authentication failed'],
  ])('is the platform’s problem when the App cannot run jobs (%j)', (github, problem) => {
    expect(githubCheckResult(github).problem).toBe(problem);
  });

  it.each([
    [readiness(false, 'not-configured'), 'github-key-not-configured'],
    [readiness(false, 'connected'), 'github-key-not-configured'],
    [readiness(true, 'not-configured'), 'github-not-configured'],
    [readiness(true, 'auth_error'), 'github-auth-error'],
    [readiness(true, 'unreachable'), 'github-unreachable'],
    [readiness(true, 'error'), 'github-error'],
  ])('finds the critical reason the App cannot run jobs (%j): %s', (github, id) => {
    expect(githubCheckResult(github).findings).toEqual([
      expect.objectContaining({ id, severity: 'critical', subject: 'github-app' }),
    ]);
  });

  it('finds nothing wrong with a connected App whose key is stored', () => {
    expect(githubCheckResult(readiness(true, 'connected', 'spot-runner')).findings).toEqual([]);
    expect(githubCheckResult(connected({}))).toMatchObject({ findings: [] });
    expect(githubCheckResult(connected({}))).not.toHaveProperty('problem');
  });

  it.each([
    [
      { installations: { total: 0, suspended: 0 }, rateLimit: null },
      'GitHub App has no active installation',
      'github-app-not-installed',
    ],
    [
      { installations: { total: 2, suspended: 2 }, rateLimit: null },
      'GitHub App has no active installation',
      'github-app-not-installed',
    ],
    [
      { rateLimit: { remaining: 0, limit: 5000, resetAt: '2026-12-01T13:00:00.000Z' } },
      'GitHub App rate limit exhausted',
      'github-rate-limit-exhausted',
    ],
  ])(
    'makes a connected App the platform’s problem when it cannot take jobs (%j), still connected',
    (app, problem, id) => {
      const result = githubCheckResult(connected(app));

      expect(result.problem).toBe(problem);
      expect(result.findings).toEqual([
        expect.objectContaining({ id, severity: 'critical', subject: 'github-app' }),
      ]);
      expect(result.fields.github.status).toBe('connected');
      expect(result.metrics).toEqual([{ name: 'GitHubConnected', value: 1 }]);
    },
  );

  it.each([
    [{ installations: { total: 3, suspended: 1 } }, ['github-app-partly-suspended']],
    [
      { rateLimit: { remaining: 10, limit: 5000, resetAt: '2026-12-01T13:00:00.000Z' } },
      ['github-rate-limit-low'],
    ],
    [{ rateLimit: null, unavailableChecks: ['github-rate-limit'] as const }, ['check-unavailable']],
    [
      {
        installations: null,
        rateLimit: null,
        unavailableChecks: ['github-installations', 'github-rate-limit'] as const,
      },
      ['check-unavailable', 'check-unavailable'],
    ],
  ])('warns of a connected App’s installations or rate limit (%j), with no problem', (app, ids) => {
    const result = githubCheckResult(connected(app));

    expect(result.problem).toBeUndefined();
    expect(result.findings?.map((found) => [found.id, found.severity])).toEqual(
      ids.map((id) => [id, 'warning']),
    );
  });

  it('says nothing of installations when the App is not connected, whatever was read', () => {
    const result = githubCheckResult(
      readiness(true, 'auth_error', undefined, {
        installations: { total: 0, suspended: 0 },
        rateLimit: null,
        unavailableChecks: ['github-rate-limit'],
      }),
    );

    expect(result.fields.github).toMatchObject({ installations: null, rateLimit: null });
    expect(result.findings?.map((found) => found.id)).toEqual(['github-auth-error']);
  });

  it.each(['auth_error', 'error', 'unreachable', 'not-configured'] as const)(
    'reports GitHub not connected (0) when the check says %s',
    (status) => {
      expect(githubCheckResult(readiness(true, status)).metrics).toContainEqual({
        name: 'GitHubConnected',
        value: 0,
      });
    },
  );
});
