import {
  CreatedAtRange,
  CreationTimes,
  JobRecordsRepository,
  JobRecordsUnavailableError,
} from '../aws/job-records.repository';
import { AppLogger } from '../logging/app-logger';
import { strictMock } from '../testing/strict-mock';
import { testConfig } from '../testing/test-config';
import { isInstant } from './job-queue';
import { RecentOutcomesService, SLICE_QUERIES_IN_FLIGHT } from './recent-outcomes.service';
import { RunnerActivityService } from './runner-activity.service';

const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const secondsAgo = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

/** A slice query's answer from `createdAts` (every status alike): those in its range, as the index compares. */
function answeringFrom(createdAts: string[]) {
  return (_status: string, range: CreatedAtRange): Promise<CreationTimes> => {
    const inRange = createdAts.filter(
      (createdAt) => createdAt >= range.from && (range.to === undefined || createdAt < range.to),
    );
    return Promise.resolve({ createdAts: inRange, entriesRead: inRange.length, readUnits: 0.5 });
  };
}

/**
 * The service over visible mocks: one job record per state, created a minute ago (the
 * waiting ones 90 s ago); the logger warns and informs.
 */
function newService() {
  const jobRecords = strictMock<JobRecordsRepository>('JobRecordsRepository');
  jobRecords.countInStatus.mockResolvedValue(1);
  jobRecords.creationTimesIn.mockImplementation(answeringFrom([new Date(NOW - 60_000).toISOString()]));
  jobRecords.oldestInStatus.mockResolvedValue({
    kind: 'found',
    createdAt: secondsAgo(90),
    skippedJobIds: [],
  });
  const clock = { nowMs: NOW, now: () => new Date(clock.nowMs) };
  const logger = strictMock<AppLogger>('AppLogger', { warn: () => undefined, info: () => undefined });
  const config = testConfig({ runnerCountsTtlMs: 15_000 });
  const service = new RunnerActivityService(
    jobRecords,
    new RecentOutcomesService(jobRecords, config, logger),
    config,
    clock,
    logger,
  );
  return { service, jobRecords, clock, logger };
}

const noDeadline = () => new AbortController().signal;

/** A query that answers only by failing when its signal aborts, as a hung DynamoDB call does. */
function hangsUntilAborted(...args: unknown[]): Promise<never> {
  const signal = args[args.length - 1] as AbortSignal;
  return new Promise((_, reject) =>
    signal.addEventListener('abort', () => reject(new JobRecordsUnavailableError(signal.reason))),
  );
}

describe(RunnerActivityService.name, () => {
  describe('activity', () => {
    it('counts each runner state and each outcome, reading the outcomes from 24 h (and 14 h of offsets) ago', async () => {
      // Prepare
      const { service, jobRecords } = newService();

      // Act
      const activity = await service.activity(noDeadline());

      // Assess
      expect(activity.activity).toEqual({
        runners: { pending: 1, provisioning: 1, running: 1 },
        recentActivity: {
          lastHour: { completed: 1, failed: 1, timeout: 1, interrupted: 1 },
          last24Hours: { completed: 1, failed: 1, timeout: 1, interrupted: 1 },
        },
      });
      expect(jobRecords.countInStatus.mock.calls.map(([status]) => status)).toEqual([
        'pending',
        'provisioning',
        'running',
      ]);
      // A first page of each outcome's whole range, which holds all of it.
      expect(
        jobRecords.creationTimesIn.mock.calls.map(([status, range, , options]) => [status, range, options]),
      ).toEqual(
        ['completed', 'failed', 'timeout', 'interrupted'].map((status) => [
          status,
          { from: '2026-11-29T22:00:00.000Z' },
          { onePage: true },
        ]),
      );
    });

    it('reads on past a first page in slices of an hour, the first resuming after that page, SLICE_QUERIES_IN_FLIGHT queries at a time', async () => {
      // Prepare: the completed jobs' first page stops 90 min into the 38 h; their slices hang.
      const { service, jobRecords } = newService();
      const stoppedAt = { createdAt: '2026-11-29T23:30:00.000Z', key: { jobId: 'job-7' } };
      const deadline = new AbortController();
      jobRecords.creationTimesIn.mockImplementation((status, range, signal, options) => {
        if (status !== 'completed')
          return Promise.resolve({ createdAts: [], entriesRead: 0, readUnits: 0.5 });
        if (options?.onePage === true) {
          return Promise.resolve({ createdAts: [], entriesRead: 100, readUnits: 1, stoppedAt });
        }
        return hangsUntilAborted(signal);
      });

      // Act
      const pending = service.activity(deadline.signal);
      await new Promise((resolve) => setImmediate(resolve));
      const calls = [...jobRecords.creationTimesIn.mock.calls];
      deadline.abort();

      // Assess
      const slices = calls.filter(([, , , options]) => options?.onePage !== true);
      expect(slices).toHaveLength(SLICE_QUERIES_IN_FLIGHT);
      expect(slices[0]).toEqual([
        'completed',
        { from: '2026-11-29T23:30:00.000Z', to: '2026-11-30T00:00:00.000Z' },
        expect.any(AbortSignal),
        { startAfter: stoppedAt },
      ]);
      expect(slices[1]).toEqual([
        'completed',
        { from: '2026-11-30T00:00:00.000Z', to: '2026-11-30T01:00:00.000Z' },
        expect.any(AbortSignal),
        undefined,
      ]);
      expect((await pending).activity).toBeNull();
    });

    it('runs every query at once, the counts’ and the queue’s, each with the request deadline', async () => {
      // Prepare
      const { service, jobRecords } = newService();
      const deadline = new AbortController();
      jobRecords.countInStatus.mockImplementation(hangsUntilAborted);
      jobRecords.creationTimesIn.mockImplementation((_status, _range, signal) => hangsUntilAborted(signal));
      jobRecords.oldestInStatus.mockImplementation(hangsUntilAborted);

      // Act
      const pending = service.activity(deadline.signal);
      await new Promise((resolve) => setImmediate(resolve));
      const startedBeforeAnyAnswer =
        jobRecords.countInStatus.mock.calls.length +
        jobRecords.creationTimesIn.mock.calls.length +
        jobRecords.oldestInStatus.mock.calls.length;
      deadline.abort();

      // Assess
      expect(startedBeforeAnyAnswer).toBe(3 + 4 + 2);
      expect(await pending).toMatchObject({ activity: null, queue: null });
    });

    it('is null, logged with the reason, when a query fails', async () => {
      const { service, jobRecords, logger } = newService();
      jobRecords.countInStatus.mockRejectedValueOnce(
        new JobRecordsUnavailableError(
          Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }),
        ),
      );

      expect((await service.activity(noDeadline())).activity).toBeNull();
      expect(logger.warn).toHaveBeenCalledWith(expect.any(String), {
        outcome: 'runner-counts-unavailable',
        reason: 'state-table-error',
        error: { name: 'ResourceNotFoundException', message: 'Requested resource not found' },
      });
    });

    it('logs job records whose createdAt is no instant, and does not count them', async () => {
      const { service, jobRecords, logger } = newService();
      jobRecords.creationTimesIn.mockImplementation(
        answeringFrom(['2026-12-01T11:5x', new Date(NOW).toISOString()]),
      );

      const activity = await service.activity(noDeadline());

      expect(activity.activity?.recentActivity.lastHour.completed).toBe(1);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.any(String),
        expect.objectContaining({ reason: 'invalid-created-at', records: 1 }),
      );
    });
  });

  describe('caching', () => {
    it('keeps a read for the TTL, a failure too, and reads again after it', async () => {
      // Prepare
      const { service, jobRecords, clock } = newService();
      jobRecords.countInStatus.mockRejectedValueOnce(new JobRecordsUnavailableError(new Error('throttled')));
      const failed = await service.activity(noDeadline());

      // Act
      clock.nowMs += 14_999;
      const cached = await service.activity(noDeadline());
      clock.nowMs += 1;
      const after = await service.activity(noDeadline());

      // Assess
      expect([failed.activity, cached.activity]).toEqual([null, null]);
      expect(after.activity?.runners.running).toBe(1);
      expect(jobRecords.countInStatus).toHaveBeenCalledTimes(6);
    });

    it('does not keep a read cut short by the request deadline', async () => {
      const { service, jobRecords } = newService();
      jobRecords.countInStatus.mockImplementationOnce(hangsUntilAborted);
      const deadline = new AbortController();
      const pending = service.activity(deadline.signal);
      deadline.abort();
      await pending;

      const next = await service.activity(noDeadline());

      expect(next.activity?.runners.pending).toBe(1);
    });

    it('shares one read between concurrent requests', async () => {
      const { service, jobRecords } = newService();

      const results = await Promise.all([service.activity(noDeadline()), service.activity(noDeadline())]);

      expect(results[0]).toEqual(results[1]);
      expect(jobRecords.countInStatus).toHaveBeenCalledTimes(3);
    });

    it('answers null to a request that joined the first read and whose own deadline passed first', async () => {
      const { service, jobRecords } = newService();
      let answer!: (count: number) => void;
      jobRecords.countInStatus.mockReturnValue(new Promise((resolve) => (answer = resolve)));
      const first = service.activity(noDeadline());
      const joiner = service.activity(AbortSignal.abort());

      answer(2);

      expect(await joiner).toEqual({ activity: null, queue: null });
      expect((await first).activity?.runners.running).toBe(2);
    });

    it('answers the previous read, logged as such, to a request that joined a refresh and whose own deadline passed first', async () => {
      // Prepare
      const { service, jobRecords, clock, logger } = newService();
      const previous = await service.activity(noDeadline());
      clock.nowMs += 15_000;
      let answer!: (count: number) => void;
      jobRecords.countInStatus.mockReturnValue(new Promise((resolve) => (answer = resolve)));

      // Act
      const refresh = service.activity(noDeadline());
      const joiner = await service.activity(AbortSignal.abort());
      answer(2);

      // Assess
      expect(joiner).toBe(previous);
      expect(logger.info).toHaveBeenCalledWith(expect.any(String), {
        outcome: 'runner-counts-previous',
        readAt: new Date(NOW).toISOString(),
      });
      expect((await refresh).activity?.runners.running).toBe(2);
    });
  });

  describe('the queue', () => {
    it('reads the oldest record of each waiting status by the instant rule, within the deadline, and ages it in whole seconds', async () => {
      // Prepare
      const { service, jobRecords } = newService();
      jobRecords.oldestInStatus
        .mockResolvedValueOnce({ kind: 'found', createdAt: secondsAgo(1_260.5), skippedJobIds: [] })
        .mockResolvedValueOnce({ kind: 'found', createdAt: secondsAgo(-30), skippedJobIds: [] });
      const deadline = noDeadline();

      // Act
      const { queue } = await service.activity(deadline);

      // Assess: a createdAt 30 s in the future counts as 0.
      expect(queue).toEqual({ oldestPendingAgeSeconds: 1_260, oldestProvisioningAgeSeconds: 0 });
      expect(jobRecords.oldestInStatus.mock.calls).toEqual([
        ['pending', isInstant, deadline],
        ['provisioning', isInstant, deadline],
      ]);
    });

    it('holds null for a status with no job in it', async () => {
      const { service, jobRecords } = newService();
      jobRecords.oldestInStatus.mockResolvedValueOnce({ kind: 'none', skippedJobIds: [] });

      const { queue } = await service.activity(noDeadline());

      expect(queue).toEqual({ oldestPendingAgeSeconds: null, oldestProvisioningAgeSeconds: 90 });
    });

    it('logs the records it skipped, their createdAt no instant, by job id, and ages the next one', async () => {
      const { service, jobRecords, logger } = newService();
      jobRecords.oldestInStatus.mockResolvedValueOnce({
        kind: 'found',
        createdAt: secondsAgo(300),
        skippedJobIds: ['7001', '7002'],
      });

      const { queue } = await service.activity(noDeadline());

      expect(queue?.oldestPendingAgeSeconds).toBe(300);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn).toHaveBeenCalledWith(expect.any(String), {
        outcome: 'job-record-invalid',
        reason: 'invalid-created-at',
        status: 'pending',
        records: 2,
        jobIds: ['7001', '7002'],
      });
    });

    it('is null, logged once, when its bound was reached with no instant: never a scan, never a guess', async () => {
      const { service, jobRecords, logger } = newService();
      jobRecords.oldestInStatus.mockResolvedValueOnce({
        kind: 'bound-reached',
        skippedJobIds: ['a', 'b'],
      });

      const read = await service.activity(noDeadline());

      expect(read.queue).toBeNull();
      expect(read.activity).not.toBeNull();
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn).toHaveBeenCalledWith(expect.any(String), {
        outcome: 'job-queue-unavailable',
        reason: 'invalid-created-at',
        error: {
          name: 'QueueBeyondBoundError',
          message: 'The 2 oldest pending job records hold no createdAt that is an instant: a, b',
        },
      });
    });

    it('fails alone: null, logged once with the reason, and the counts answered as before', async () => {
      const { service, jobRecords, logger } = newService();
      jobRecords.oldestInStatus.mockRejectedValueOnce(
        new JobRecordsUnavailableError(
          Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
        ),
      );

      const read = await service.activity(noDeadline());

      expect(read.queue).toBeNull();
      expect(read.activity?.runners.running).toBe(1);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn).toHaveBeenCalledWith(expect.any(String), {
        outcome: 'job-queue-unavailable',
        reason: 'state-table-error',
        error: { name: 'ThrottlingException', message: 'Rate exceeded' },
      });
    });

    it('hangs no longer than the deadline: null with deadline-exceeded, the counts that were read kept', async () => {
      // Prepare
      const { service, jobRecords, logger } = newService();
      jobRecords.oldestInStatus.mockImplementation(hangsUntilAborted);
      const deadline = new AbortController();

      // Act
      const pending = service.activity(deadline.signal);
      await new Promise((resolve) => setImmediate(resolve));
      deadline.abort();
      const read = await pending;

      // Assess
      expect(read.queue).toBeNull();
      expect(read.activity?.runners.running).toBe(1);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.any(String),
        expect.objectContaining({ outcome: 'job-queue-unavailable', reason: 'deadline-exceeded' }),
      );
    });

    it('is kept with the counts for the TTL, and read again with them after it', async () => {
      // Prepare
      const { service, jobRecords, clock } = newService();
      await service.activity(noDeadline());

      // Act
      clock.nowMs += 14_999;
      const cached = await service.activity(noDeadline());
      const callsWithinTtl = jobRecords.oldestInStatus.mock.calls.length;
      clock.nowMs += 1;
      const after = await service.activity(noDeadline());

      // Assess: the age is the read's, until the next read.
      expect(callsWithinTtl).toBe(2);
      expect(cached.queue?.oldestPendingAgeSeconds).toBe(90);
      expect(jobRecords.oldestInStatus).toHaveBeenCalledTimes(4);
      expect(after.queue?.oldestPendingAgeSeconds).toBe(105);
    });
  });
});
