import { Injectable } from '@nestjs/common';
import type { ReadinessCheck, ReadinessCheckResult } from '../readiness/readiness-check';
import { RunnerActivity, runnerContext } from './runner-activity';
import { RunnerActivityService } from './runner-activity.service';

/** The runner counts' fields of GET /status, under the contract's names: null when uncounted. */
export interface RunnerActivityFields {
  runners: RunnerActivity['runners'] | null;
  recentActivity: RunnerActivity['recentActivity'] | null;
}

/** What the runner activity tells GET /status: informational, so never a problem, only a note. */
export function runnerActivityResult(
  activity: RunnerActivity | null,
): ReadinessCheckResult<RunnerActivityFields> {
  const note = activity === null ? undefined : runnerContext(activity.runners);
  return {
    fields: { runners: activity?.runners ?? null, recentActivity: activity?.recentActivity ?? null },
    ...(note !== undefined && { note }),
  };
}

/** The runner counts of GET /status; the service keeps its read per container. */
@Injectable()
export class RunnerActivityCheck implements ReadinessCheck<RunnerActivityFields> {
  constructor(private readonly activity: RunnerActivityService) {}

  async check(deadline: AbortSignal): Promise<ReadinessCheckResult<RunnerActivityFields>> {
    return runnerActivityResult(await this.activity.activity(deadline));
  }
}
