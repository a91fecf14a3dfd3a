import { JobRecordsRepository, JobRecordsUnavailableError } from '../aws/job-records.repository';
import { AppLogger } from '../logging/app-logger';
import { strictMock } from '../testing/strict-mock';
import { testConfig } from '../testing/test-config';
import { RunnerActivityService } from './runner-activity.service';

const NOW = Date.parse('2026-12-01T12:00:00.000Z');

/** The service over visible mocks: one job record per state, created a minute ago; the logger only warns. */
function newService() {
  const jobRecords = strictMock<JobRecordsRepository>('JobRecordsRepository');
  jobRecords.countInStatus.mockResolvedValue(1);
  jobRecords.creationTimesInStatus.mockResolvedValue([new Date(NOW - 60_000).toISOString()]);
  const clock = { nowMs: NOW, now: () => new Date(clock.nowMs) };
  const logger = strictMock<AppLogger>('AppLogger', { warn: () => undefined });
  const service = new RunnerActivityService(
    jobRecords,
    testConfig({ runnerCountsTtlMs: 15_000 }),
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
      expect(activity).toEqual({
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
      expect(jobRecords.creationTimesInStatus.mock.calls.map(([status, from]) => [status, from])).toEqual(
        ['completed', 'failed', 'timeout', 'interrupted'].map((status) => [
          status,
          '2026-11-29T22:00:00.000Z',
        ]),
      );
    });

    it('runs every query at once, each with the request deadline', async () => {
      // Prepare
      const { service, jobRecords } = newService();
      const deadline = new AbortController();
      jobRecords.countInStatus.mockImplementation(hangsUntilAborted);
      jobRecords.creationTimesInStatus.mockImplementation(hangsUntilAborted);

      // Act
      const pending = service.activity(deadline.signal);
      await new Promise((resolve) => setImmediate(resolve));
      const startedBeforeAnyAnswer =
        jobRecords.countInStatus.mock.calls.length + jobRecords.creationTimesInStatus.mock.calls.length;
      deadline.abort();

      // Assess
      expect(startedBeforeAnyAnswer).toBe(7);
      expect(await pending).toBeNull();
    });

    it('is null, logged with the reason, when a query fails', async () => {
      const { service, jobRecords, logger } = newService();
      jobRecords.countInStatus.mockRejectedValueOnce(
        new JobRecordsUnavailableError(
          Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }),
        ),
      );

      expect(await service.activity(noDeadline())).toBeNull();
      expect(logger.warn).toHaveBeenCalledWith(expect.any(String), {
        outcome: 'runner-counts-unavailable',
        reason: 'state-table-error',
        error: { name: 'ResourceNotFoundException', message: 'Requested resource not found' },
      });
    });

    it('logs job records whose createdAt is no instant, and does not count them', async () => {
      const { service, jobRecords, logger } = newService();
      jobRecords.creationTimesInStatus.mockResolvedValue(['soon', new Date(NOW).toISOString()]);

      const activity = await service.activity(noDeadline());

      expect(activity?.recentActivity.lastHour.completed).toBe(1);
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
      expect([failed, cached]).toEqual([null, null]);
      expect(after?.runners.running).toBe(1);
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

      expect(next?.runners.pending).toBe(1);
    });

    it('shares one read between concurrent requests', async () => {
      const { service, jobRecords } = newService();

      const results = await Promise.all([service.activity(noDeadline()), service.activity(noDeadline())]);

      expect(results[0]).toEqual(results[1]);
      expect(jobRecords.countInStatus).toHaveBeenCalledTimes(3);
    });

    it('answers null to a request that joined a read and whose own deadline passed first', async () => {
      const { service, jobRecords } = newService();
      let answer!: (count: number) => void;
      jobRecords.countInStatus.mockReturnValue(new Promise((resolve) => (answer = resolve)));
      const first = service.activity(noDeadline());
      const joiner = service.activity(AbortSignal.abort());

      answer(2);

      expect(await joiner).toBeNull();
      expect((await first)?.runners.running).toBe(2);
    });
  });
});
