import { Injectable } from '@nestjs/common';
import { METRIC_NAMES } from '../metrics/metric-names';
import { Finding, finding, FindingId } from '../readiness/findings';
import type { ReadinessCheck, ReadinessCheckResult } from '../readiness/readiness-check';
import { installationFindings } from './github-installations';
import { GitHubReadiness, GitHubStatus, readinessProblem } from './github-readiness';
import { GitHubReadinessService } from './github-readiness.service';

/** The GitHub App's fields of GET /status, under the contract's names. */
export interface GitHubReadinessFields {
  configuration: { privateKeyConfigured: boolean };
  github: GitHubReadiness['github'];
}

/**
 * What the App's readiness tells GET /status: without the App no job runs, so a missing key,
 * anything but `connected`, an App installed nowhere or out of requests is the platform's
 * problem; CloudWatch gets `GitHubConnected`.
 */
export function githubCheckResult(readiness: GitHubReadiness): ReadinessCheckResult<GitHubReadinessFields> {
  const problem = readinessProblem(readiness);
  return {
    fields: {
      configuration: { privateKeyConfigured: readiness.privateKeyConfigured },
      github: readiness.github,
    },
    ...(problem !== undefined && { problem }),
    findings: githubFindings(readiness),
    metrics: [{ name: METRIC_NAMES.githubConnected, value: readiness.github.status === 'connected' ? 1 : 0 }],
  };
}

/** The critical finding of each GitHub status but connected. */
const GITHUB_FINDINGS: Readonly<Record<Exclude<GitHubStatus, 'connected'>, FindingId>> = {
  'not-configured': 'github-not-configured',
  auth_error: 'github-auth-error',
  unreachable: 'github-unreachable',
  error: 'github-error',
};

/**
 * Why the App keeps jobs from running, if it does: the key first, as the message says; then
 * its status; when connected, what its installations and rate limit say.
 */
export function githubFindings(readiness: GitHubReadiness): Finding[] {
  const { status } = readiness.github;
  if (!readiness.privateKeyConfigured) return [finding('github-key-not-configured', 'github-app')];
  if (status !== 'connected') return [finding(GITHUB_FINDINGS[status], 'github-app')];
  return installationFindings({ ...readiness.github, unavailableChecks: readiness.unavailableChecks });
}

/** The GitHub App check of GET /status; the service keeps its result per container. */
@Injectable()
export class GitHubReadinessCheck implements ReadinessCheck<GitHubReadinessFields> {
  constructor(private readonly readiness: GitHubReadinessService) {}

  async check(deadline: AbortSignal): Promise<ReadinessCheckResult<GitHubReadinessFields>> {
    return githubCheckResult(await this.readiness.check(deadline));
  }
}
