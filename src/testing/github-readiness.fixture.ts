import { GitHubReadiness, readiness } from '../github/github-readiness';

/** The GitHub App as it is on a platform that can take jobs: installed once, its requests mostly left. */
export const CONNECTED_GITHUB: GitHubReadiness = readiness(true, 'connected', 'spot-runner-test', {
  installations: { total: 1, suspended: 0 },
  rateLimit: { remaining: 4990, limit: 5000, resetAt: '2026-12-01T13:00:00.000Z' },
  unavailableChecks: [],
});
