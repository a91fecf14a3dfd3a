import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { CachedSharedRead } from '../common/cached-shared-read';
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
  private readonly reads: CachedSharedRead<RunnerActivity | null>;

  constructor(
    private readonly jobRecords: JobRecordsRepository,
    @Inject(appConfig.KEY) config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
  ) {
    // A failure (null) is kept as long: the counts are informational.
    this.reads = new CachedSharedRead(clock, () => config.runnerCountsTtlMs);
  }

  /** The activity, read at most once per TTL; null when it cannot be read by `deadline`. */
  activity(deadline: AbortSignal): Promise<RunnerActivity | null> {
    // Every query is bounded by the deadline of the request that starts the read.
    return this.reads.get(
      deadline,
      (startedBy) => this.read(startedBy),
      () => null,
    );
  }

  private async read(deadline: AbortSignal): Promise<RunnerActivity | null> {
    try {
      return await this.count(this.clock.now(), deadline);
    } catch (error) {
      this.logger.warn('Runner activity could not be counted; reported as null', {
        outcome: 'runner-counts-unavailable',
        reason: deadline.aborted ? 'deadline-exceeded' : 'state-table-error',
        error: describeError(error instanceof Error && error.cause !== undefined ? error.cause : error),
      });
      return null;
    }
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
