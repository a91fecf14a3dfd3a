import type { AppConfig } from '../config/app-config';
import { Finding, finding } from '../readiness/findings';
import { instantOf } from './runner-activity';

/** Job statuses that wait for a runner: the queue reports the oldest job of each. */
export const WAITING_STATUSES = ['pending', 'provisioning'] as const;
export type WaitingStatus = (typeof WAITING_STATUSES)[number];

/**
 * The platform's names: `queue` of GET /status. How long the oldest job of each waiting
 * status has waited, in whole seconds; null when no job is in that status.
 */
export interface JobQueue {
  oldestPendingAgeSeconds: number | null;
  oldestProvisioningAgeSeconds: number | null;
}

/** The field of `queue` that holds each waiting status's oldest age. */
export const QUEUE_FIELDS: Readonly<Record<WaitingStatus, keyof JobQueue>> = {
  pending: 'oldestPendingAgeSeconds',
  provisioning: 'oldestProvisioningAgeSeconds',
};

/** A `createdAt` the queue can be aged from: one that is an instant. */
export function isInstant(createdAt: unknown): createdAt is string {
  return instantOf(createdAt) !== undefined;
}

/** Whole seconds from `createdAt` to `now`; a `createdAt` in the future (clock skew) counts as 0. */
export function ageSeconds(createdAt: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(createdAt)) / 1000));
}

/** What the message leads with while `jobs-stuck` holds: a fixed sentence. */
export const JOBS_STUCK_PROBLEM = 'Jobs stuck waiting for a runner';

/** The waits past which the oldest pending job is a finding. */
export type JobWaitThresholds = Pick<AppConfig, 'jobWaitWarningMs' | 'jobWaitCriticalMs'>;

/**
 * What the queue tells an operator: the oldest pending job waiting longer than the critical
 * wait (unless it is 0, off) is `jobs-stuck`; longer than the warning wait only,
 * `jobs-waiting`; a queue that could not be read, `check-unavailable`.
 */
export function jobQueueFindings(queue: JobQueue | null, thresholds: JobWaitThresholds): Finding[] {
  if (queue === null) return [finding('check-unavailable', 'jobs', { check: 'jobs-waiting' })];
  const waitedSeconds = queue.oldestPendingAgeSeconds;
  if (waitedSeconds === null) return [];
  const waitedMs = waitedSeconds * 1000;
  const minutes = Math.floor(waitedSeconds / 60);
  if (thresholds.jobWaitCriticalMs > 0 && waitedMs > thresholds.jobWaitCriticalMs) {
    return [finding('jobs-stuck', 'jobs', { minutes })];
  }
  return waitedMs > thresholds.jobWaitWarningMs ? [finding('jobs-waiting', 'jobs', { minutes })] : [];
}

/** The message's lead when the findings hold `jobs-stuck`: it makes the platform degraded. */
export function jobQueueProblem(findings: readonly Finding[]): string | undefined {
  return findings.some((found) => found.id === 'jobs-stuck') ? JOBS_STUCK_PROBLEM : undefined;
}
