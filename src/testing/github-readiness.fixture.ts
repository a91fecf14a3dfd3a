import { GitHubReadiness, readiness } from '../github/github-readiness';

/** The GitHub App as it is on a platform that can take jobs. */
export const CONNECTED_GITHUB: GitHubReadiness = readiness(true, 'connected', 'spot-runner-test');
