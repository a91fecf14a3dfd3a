import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, appConfig } from '../config/app-config';
import { AppLogger } from '../logging/app-logger';
import { METRIC_NAMES } from '../metrics/metric-names';
import type { ReadinessCheck, ReadinessCheckResult } from '../readiness/readiness-check';
import { JobQueue, jobQueueFindings, jobQueueProblem, JobWaitThresholds } from './job-queue';
import { RunnerActivity, runnerContext } from './runner-activity';
import { RunnerActivityRead, RunnerActivityService } from './runner-activity.service';

/** The job records' fields of GET /status, under the contract's names: each null when unread. */
export interface RunnerActivityFields {
  runners: RunnerActivity['runners'] | null;
  recentActivity: RunnerActivity['recentActivity'] | null;
  queue: JobQueue | null;
}

/**
 * What the job records tell GET /status: the counts are informational (a note); a pending
 * job waiting past the critical wait is the platform's problem. CloudWatch gets the oldest
 * pending job's age (0 when none waits) whenever the queue was read, never a guess.
 */
export function runnerActivityResult(
  { activity, queue }: RunnerActivityRead,
  thresholds: JobWaitThresholds,
): ReadinessCheckResult<RunnerActivityFields> {
  const note = activity === null ? undefined : runnerContext(activity.runners);
  const findings = jobQueueFindings(queue, thresholds);
  const problem = jobQueueProblem(findings);
  return {
    fields: { runners: activity?.runners ?? null, recentActivity: activity?.recentActivity ?? null, queue },
    ...(problem !== undefined && { problem }),
    ...(note !== undefined && { note }),
    findings,
    metrics:
      queue === null
        ? []
        : [{ name: METRIC_NAMES.oldestPendingJobAgeSeconds, value: queue.oldestPendingAgeSeconds ?? 0 }],
  };
}

/**
 * What GET /status says while the counts are off (`RUNNER_COUNTS_ENABLED=false`): the
 * fields null, as when unread, but no finding and no metric, for nothing failed.
 */
function runnerCountsOffResult(): ReadinessCheckResult<RunnerActivityFields> {
  return { fields: { runners: null, recentActivity: null, queue: null }, findings: [], metrics: [] };
}

/**
 * The job records' check of GET /status; the service keeps its read per container. Off
 * (`RUNNER_COUNTS_ENABLED=false`), it reads no job record and says so once, at start-up.
 */
@Injectable()
export class RunnerActivityCheck implements ReadinessCheck<RunnerActivityFields>, OnApplicationBootstrap {
  constructor(
    private readonly activity: RunnerActivityService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly logger: AppLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.runnerCountsEnabled) return;
    this.logger.info('Runner counts are off (RUNNER_COUNTS_ENABLED=false): no job record is read', {
      outcome: 'runner-counts-off',
    });
  }

  async check(deadline: AbortSignal): Promise<ReadinessCheckResult<RunnerActivityFields>> {
    if (!this.config.runnerCountsEnabled) return runnerCountsOffResult();
    return runnerActivityResult(await this.activity.activity(deadline), this.config);
  }
}
