import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, appConfig } from '../config/app-config';
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

/** The job records' check of GET /status; the service keeps its read per container. */
@Injectable()
export class RunnerActivityCheck implements ReadinessCheck<RunnerActivityFields> {
  constructor(
    private readonly activity: RunnerActivityService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  async check(deadline: AbortSignal): Promise<ReadinessCheckResult<RunnerActivityFields>> {
    return runnerActivityResult(await this.activity.activity(deadline), this.config);
  }
}
