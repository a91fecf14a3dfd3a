import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { CachedSharedRead } from '../common/cached-shared-read';
import { JobRecordsRepository } from '../aws/job-records.repository';
import { AppConfig, appConfig } from '../config/app-config';
import { AppLogger, describeError } from '../logging/app-logger';
import { ageSeconds, isInstant, JobQueue, QUEUE_FIELDS, WAITING_STATUSES } from './job-queue';
import { RecentOutcomesService } from './recent-outcomes.service';
import { RUNNER_STATUSES, RunnerActivity, RunnerCounts } from './runner-activity';

/** One read of the job records: the counts and the queue, each null when it could not be read. */
export interface RunnerActivityRead {
  activity: RunnerActivity | null;
  queue: JobQueue | null;
  /** When the read started. */
  readAt?: Date;
}

/** The oldest records the read's bound allows hold no instant: the queue is unknown. */
class QueueBeyondBoundError extends Error {
  constructor(status: string, skippedJobIds: readonly string[]) {
    super(
      `The ${skippedJobIds.length} oldest ${status} job records hold no createdAt that is an instant: ${skippedJobIds.join(', ')}`,
    );
    this.name = 'QueueBeyondBoundError';
  }
}

/**
 * Runners by state, recent job outcomes and the queue's oldest waits, from the job records'
 * status-index. Singleton: a read is kept per container for RUNNER_COUNTS_TTL_SECONDS, and
 * concurrent requests share one read; a request whose deadline ends while it waits for
 * another's gets the previous read. A failure gives null, never a failed request.
 */
@Injectable()
export class RunnerActivityService {
  private readonly reads: CachedSharedRead<RunnerActivityRead>;

  constructor(
    private readonly jobRecords: JobRecordsRepository,
    private readonly recentOutcomes: RecentOutcomesService,
    @Inject(appConfig.KEY) config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
  ) {
    // A failure (null) is kept as long: the next read is at most one TTL away.
    this.reads = new CachedSharedRead(clock, () => config.runnerCountsTtlMs);
  }

  /** The counts and the queue, read at most once per TTL; each null when it cannot be read by `deadline`. */
  activity(deadline: AbortSignal): Promise<RunnerActivityRead> {
    // Every query is bounded by the deadline of the request that starts the read.
    return this.reads.get(
      deadline,
      (startedBy) => this.read(startedBy),
      () => this.previousRead(),
    );
  }

  /** The read kept last, however old, for a request that could not wait for the next; else null. */
  private previousRead(): RunnerActivityRead {
    const previous = this.reads.lastValue;
    if (previous === undefined) return { activity: null, queue: null };
    this.logger.info(
      'The runner counts being read were not ready by the deadline; answered with the previous',
      {
        outcome: 'runner-counts-previous',
        readAt: previous.readAt?.toISOString(),
      },
    );
    return previous;
  }

  /** The counts and the queue at once, each failing alone: the queue's findings need no counts. */
  private async read(deadline: AbortSignal): Promise<RunnerActivityRead> {
    const now = this.clock.now();
    const [activity, queue] = await Promise.all([
      this.count(now, deadline).catch((error: unknown) => {
        this.logUnavailable('Runner activity could not be counted; reported as null', {
          outcome: 'runner-counts-unavailable',
          reason: deadline.aborted ? 'deadline-exceeded' : 'state-table-error',
          error,
        });
        return null;
      }),
      this.queue(now, deadline).catch((error: unknown) => {
        this.logUnavailable('The jobs’ waits could not be read; queue reported as null', {
          outcome: 'job-queue-unavailable',
          reason:
            error instanceof QueueBeyondBoundError
              ? 'invalid-created-at'
              : deadline.aborted
                ? 'deadline-exceeded'
                : 'state-table-error',
          error,
        });
        return null;
      }),
    ]);
    return { activity, queue, readAt: now };
  }

  /** One warning for a read reported as null, naming the AWS error under the adapter's own. */
  private logUnavailable(
    message: string,
    { error, ...fields }: { outcome: string; reason: string; error: unknown },
  ) {
    this.logger.warn(message, {
      ...fields,
      error: describeError(error instanceof Error && error.cause !== undefined ? error.cause : error),
    });
  }

  /** One COUNT query per runner status, and the recent outcomes (both windows), at once. */
  private async count(now: Date, deadline: AbortSignal): Promise<RunnerActivity> {
    const [runnerCounts, recentActivity] = await Promise.all([
      Promise.all(RUNNER_STATUSES.map((status) => this.jobRecords.countInStatus(status, deadline))),
      this.recentOutcomes.count(now, deadline),
    ]);
    const runners = Object.fromEntries(
      RUNNER_STATUSES.map((status, index) => [status, runnerCounts[index]]),
    ) as RunnerCounts;
    return { runners, recentActivity };
  }

  /** The oldest record of each waiting status, read oldest first: a page or a few, never a scan. */
  private async queue(now: Date, deadline: AbortSignal): Promise<JobQueue> {
    const oldest = await Promise.all(
      WAITING_STATUSES.map((status) => this.jobRecords.oldestInStatus(status, isInstant, deadline)),
    );
    const queue: JobQueue = { oldestPendingAgeSeconds: null, oldestProvisioningAgeSeconds: null };
    WAITING_STATUSES.forEach((status, index) => {
      const read = oldest[index];
      if (read.kind === 'bound-reached') throw new QueueBeyondBoundError(status, read.skippedJobIds);
      if (read.skippedJobIds.length > 0) {
        this.logger.warn('Job records with a createdAt that is no instant; skipped for the queue', {
          outcome: 'job-record-invalid',
          reason: 'invalid-created-at',
          status,
          records: read.skippedJobIds.length,
          jobIds: read.skippedJobIds,
        });
      }
      if (read.kind === 'found') queue[QUEUE_FIELDS[status]] = ageSeconds(read.createdAt, now);
    });
    return queue;
  }
}
