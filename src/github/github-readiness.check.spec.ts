import { strictMock } from '../testing/strict-mock';
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
          github: { status: 'connected', message: 'GitHub App authenticated', appSlug: 'spot-runner' },
        },
        findings: [],
        metrics: [{ name: 'GitHubConnected', value: 1 }],
      });
      expect(service.check).toHaveBeenCalledWith(deadline);
    });
  });
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
