import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../ami-state/clock';
import { settleBy } from '../common/deadline';
import { JobRecordsRepository } from '../aws/job-records.repository';
import { AppConfig, appConfig } from '../config/app-config';
import { AppLogger, describeError } from '../logging/app-logger';
import {
  countByWindow,
  OUTCOME_STATUSES,
  OutcomeCounts,
  outcomesCreatedFrom,
  RUNNER_STATUSES,
  RunnerActivity,
  RunnerCounts,
} from './runner-activity';

/**
 * Runners by state and recent job outcomes, from the job records' status-index. Singleton:
 * a read is kept per container for RUNNER_COUNTS_TTL_SECONDS, and concurrent requests
 * share one read. Informational: a failure gives null, never a failed request.
 */
@Injectable()
export class RunnerActivityService {
  private cached: { activity: RunnerActivity | null; expiresAtMs: number } | undefined;
  private inFlight: Promise<RunnerActivity | null> | undefined;

  constructor(
    private readonly jobRecords: JobRecordsRepository,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
  ) {}

  /** The activity, read at most once per TTL; null when it cannot be read by `deadline`. */
  activity(deadline: AbortSignal): Promise<RunnerActivity | null> {
    if (this.cached && this.clock.now().getTime() < this.cached.expiresAtMs) {
      return Promise.resolve(this.cached.activity);
    }
    if (this.inFlight !== undefined)
      return settleBy<RunnerActivity | null>(this.inFlight, deadline, () => null);
    // Every query is bounded by this request's deadline: the read settles by then.
    this.inFlight = this.read(deadline).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async read(deadline: AbortSignal): Promise<RunnerActivity | null> {
    const now = this.clock.now();
    let activity: RunnerActivity | null;
    try {
      activity = await this.count(now, deadline);
    } catch (error) {
      this.logger.warn('Runner activity could not be counted; reported as null', {
        outcome: 'runner-counts-unavailable',
        reason: deadline.aborted ? 'deadline-exceeded' : 'state-table-error',
        error: describeError(error instanceof Error && error.cause !== undefined ? error.cause : error),
      });
      activity = null;
    }
    // A read cut short by this request's own deadline says nothing of the table: not kept.
    if (!deadline.aborted) {
      this.cached = { activity, expiresAtMs: this.clock.now().getTime() + this.config.runnerCountsTtlMs };
    }
    return activity;
  }

  /** One COUNT query per runner status, one query per outcome status over the last 24 h (both windows). */
  private async count(now: Date, deadline: AbortSignal): Promise<RunnerActivity> {
    const createdFrom = outcomesCreatedFrom(now);
    const [runnerCounts, outcomeTimes] = await Promise.all([
      Promise.all(RUNNER_STATUSES.map((status) => this.jobRecords.countInStatus(status, deadline))),
      Promise.all(
        OUTCOME_STATUSES.map((status) =>
          this.jobRecords.creationTimesInStatus(status, createdFrom, deadline),
        ),
      ),
    ]);
    const runners = Object.fromEntries(
      RUNNER_STATUSES.map((status, index) => [status, runnerCounts[index]]),
    ) as RunnerCounts;
    const lastHour = {} as OutcomeCounts;
    const last24Hours = {} as OutcomeCounts;
    OUTCOME_STATUSES.forEach((status, index) => {
      const counted = countByWindow(outcomeTimes[index], now);
      lastHour[status] = counted.lastHour;
      last24Hours[status] = counted.last24Hours;
      if (counted.unreadable > 0) {
        this.logger.warn('Job records with a createdAt that is no instant; not counted', {
          outcome: 'job-record-invalid',
          reason: 'invalid-created-at',
          status,
          records: counted.unreadable,
        });
      }
    });
    return { runners, recentActivity: { lastHour, last24Hours } };
  }
}
