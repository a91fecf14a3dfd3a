import { Inject, Injectable } from '@nestjs/common';
import pLimit from 'p-limit';
import { CreationTimes, JobRecordsRepository } from '../aws/job-records.repository';
import { AppConfig, appConfig } from '../config/app-config';
import { AppLogger } from '../logging/app-logger';
import {
  createdAtSlices,
  nextOutcomeWindow,
  OutcomeWindow,
  planOutcomeRead,
  recentActivityOf,
} from './outcome-window';
import { OUTCOME_STATUSES, OutcomeStatus, RunnerActivity } from './runner-activity';

/**
 * The slice queries a read has in flight at most. DynamoDB serves them at once; a cold
 * read at 100 000 jobs a day is about 150 queries (4 statuses × 38 slices, a page or two each).
 */
export const SLICE_QUERIES_IN_FLIGHT = 16;

/**
 * The jobs' outcomes over the last hour and the last 24 hours, exact, from the status-index.
 * Singleton: it keeps the window it read, so a warm refresh reads only the jobs created in
 * the last JOB_MAX_RUNTIME_HOURS (and a margin), the only ones that can still move. It reads
 * the whole window on its first read, every RUNNER_COUNTS_FULL_REFRESH_MINUTES and after a
 * read that failed. Its caller makes one read at a time.
 */
@Injectable()
export class RecentOutcomesService {
  private window: OutcomeWindow | undefined;
  private readonly sliceQueries = pLimit(SLICE_QUERIES_IN_FLIGHT);

  constructor(
    private readonly jobRecords: JobRecordsRepository,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly logger: AppLogger,
  ) {}

  /** The counts at `now`; rejects when any slice cannot be read by `deadline`. */
  async count(now: Date, deadline: AbortSignal): Promise<RunnerActivity['recentActivity']> {
    const nowMs = now.getTime();
    const previous = this.window;
    const plan = planOutcomeRead(previous, nowMs, this.config.runnerCountsFullRefreshMs);
    // A read that fails leaves nothing to build on: the next one is full.
    this.window = undefined;
    const slices = createdAtSlices(plan.fromMs, nowMs);
    const reads = await this.readSlices(slices, deadline);

    const createdAts = {} as Record<OutcomeStatus, unknown[]>;
    let entriesRead = 0;
    let readUnits = 0;
    for (const status of OUTCOME_STATUSES) {
      createdAts[status] = reads[status].flatMap((read) => read.createdAts);
      entriesRead += reads[status].reduce((sum, read) => sum + read.entriesRead, 0);
      readUnits += reads[status].reduce((sum, read) => sum + read.readUnits, 0);
    }
    const { window, unreadable } = nextOutcomeWindow(
      previous,
      plan,
      createdAts,
      nowMs,
      this.config.jobMaxRuntimeMs,
    );
    this.window = window;
    this.logger.info('Recent job outcomes read', {
      outcome: 'runner-counts-read',
      read: plan.kind,
      createdFrom: slices[0].from,
      slices: slices.length * OUTCOME_STATUSES.length,
      entriesRead,
      readUnits,
    });
    for (const status of OUTCOME_STATUSES) {
      if (unreadable[status] === 0) continue;
      this.logger.warn('Job records with a createdAt that is no instant; not counted', {
        outcome: 'job-record-invalid',
        reason: 'invalid-created-at',
        status,
        records: unreadable[status],
      });
    }
    return recentActivityOf(window, nowMs);
  }

  /**
   * Every slice of every outcome status, at most SLICE_QUERIES_IN_FLIGHT queries at once, each
   * over all its pages. The first failure stops the others: the read is lost anyway.
   */
  private async readSlices(
    slices: ReturnType<typeof createdAtSlices>,
    deadline: AbortSignal,
  ): Promise<Record<OutcomeStatus, CreationTimes[]>> {
    const failed = new AbortController();
    const signal = AbortSignal.any([deadline, failed.signal]);
    const read = (status: OutcomeStatus) =>
      Promise.all(
        slices.map((slice) =>
          this.sliceQueries(() => this.jobRecords.creationTimesIn(status, slice, signal)),
        ),
      );
    try {
      const reads = await Promise.all(OUTCOME_STATUSES.map(read));
      return Object.fromEntries(OUTCOME_STATUSES.map((status, index) => [status, reads[index]])) as Record<
        OutcomeStatus,
        CreationTimes[]
      >;
    } catch (error) {
      failed.abort(error);
      throw error;
    }
  }
}
