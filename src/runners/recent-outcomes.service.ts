import { Inject, Injectable } from '@nestjs/common';
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import { CreatedAtRange, CreationTimes, JobRecordsRepository } from '../aws/job-records.repository';
import { AppConfig, appConfig } from '../config/app-config';
import { AppLogger } from '../logging/app-logger';
import {
  createdAtSlices,
  nextOutcomeWindow,
  slicesAfter,
  OutcomeWindow,
  planOutcomeRead,
  recentActivityOf,
} from './outcome-window';
import { OUTCOME_STATUSES, OutcomeStatus, RunnerActivity } from './runner-activity';

/**
 * The queries a read has in flight at most. DynamoDB serves them at once; a cold read at
 * 100 000 jobs a day is about 150 (4 statuses × 38 slices, a page or two each).
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
      slices: OUTCOME_STATUSES.reduce((sum, status) => sum + reads[status].length, 0),
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
   * Every outcome status, its queries at most SLICE_QUERIES_IN_FLIGHT at once. The first
   * failure stops the others: the read is lost anyway.
   */
  private async readSlices(
    slices: CreatedAtRange[],
    deadline: AbortSignal,
  ): Promise<Record<OutcomeStatus, CreationTimes[]>> {
    const failed = new AbortController();
    const signal = AbortSignal.any([deadline, failed.signal]);
    // Each query in flight listens to it, as to the request deadline it stands for.
    setMaxListeners(0, signal);
    try {
      const reads = await Promise.all(
        OUTCOME_STATUSES.map((status) => this.readStatus(status, slices, signal)),
      );
      return Object.fromEntries(OUTCOME_STATUSES.map((status, index) => [status, reads[index]])) as Record<
        OutcomeStatus,
        CreationTimes[]
      >;
    } catch (error) {
      failed.abort(error);
      throw error;
    }
  }

  /**
   * One status: the first page of its whole range, which is all of it for a small platform;
   * if there is more, the rest in `slices` at once, the first slice resuming after that page.
   */
  private async readStatus(
    status: OutcomeStatus,
    slices: CreatedAtRange[],
    signal: AbortSignal,
  ): Promise<CreationTimes[]> {
    const query = (range: CreatedAtRange, options?: Parameters<JobRecordsRepository['creationTimesIn']>[3]) =>
      this.sliceQueries(() => this.jobRecords.creationTimesIn(status, range, signal, options));
    const firstPage = await query({ from: slices[0].from }, { onePage: true });
    const stoppedAt = firstPage.stoppedAt;
    if (stoppedAt === undefined) return [firstPage];
    const [resumed, ...later] = slicesAfter(slices, stoppedAt.createdAt);
    const rest = await Promise.all([
      query(resumed, { startAfter: stoppedAt }),
      ...later.map((range) => query(range)),
    ]);
    return [firstPage, ...rest];
  }
}
