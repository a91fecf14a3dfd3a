import fc from 'fast-check';
import { jobRecord, LocalDynamoDb } from '../../local/local-dynamodb';
import { JobRecordsRepository, JobRecordsUnavailableError } from '../aws/job-records.repository';
import { AppLogger } from '../logging/app-logger';
import { strictMock } from '../testing/strict-mock';
import { testConfig } from '../testing/test-config';
import { SETTLE_MARGIN_MS } from './outcome-window';
import { RecentOutcomesService } from './recent-outcomes.service';
import { OUTCOME_STATUSES, RUNNER_STATUSES } from './runner-activity';

const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const MAX_RUNTIME = 6 * HOUR;
const FULL_REFRESH = 30 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

/** What the service logged of one read: full or incremental, and the entries it read. */
interface ReadLine {
  read: 'full' | 'incremental';
  slices: number;
  entriesRead: number;
}

/**
 * The service over dynalite and the real repository: the index's ranges, pages and
 * BETWEEN are DynamoDB's own. The oracle is a new service, whose first read is full.
 */
describe(RecentOutcomesService.name, () => {
  let dynamoDb: LocalDynamoDb;
  let tableName: string;
  let repository: JobRecordsRepository;
  let readLines: ReadLine[];

  beforeAll(async () => {
    dynamoDb = await LocalDynamoDb.start('eu-west-1');
  });

  afterAll(() => dynamoDb.stop());

  beforeEach(async () => {
    tableName = await dynamoDb.createStateTable();
    repository = new JobRecordsRepository(dynamoDb.documentClient, testConfig({ stateTableName: tableName }));
    readLines = [];
  });

  function newService(): RecentOutcomesService {
    const logger = strictMock<AppLogger>('AppLogger', {
      info: (_message, fields) => void readLines.push(fields as unknown as ReadLine),
      warn: () => undefined,
    });
    const config = testConfig({
      stateTableName: tableName,
      jobMaxRuntimeMs: MAX_RUNTIME,
      runnerCountsFullRefreshMs: FULL_REFRESH,
    });
    return new RecentOutcomesService(repository, config, logger);
  }

  const noDeadline = () => new AbortController().signal;
  const put = (jobId: string, status: string, createdAtMs: number) =>
    dynamoDb.put(tableName, jobRecord(jobId, status, iso(createdAtMs)));
  /** What a full read gives at `nowMs`: a service of its own, reading for the first time. */
  const fullReadAt = (nowMs: number) => newService().count(new Date(nowMs), noDeadline());

  describe('a warm refresh', () => {
    it('reads only the jobs created since the settled bound, and counts jobs entering and moving status as a full read does', async () => {
      // Prepare
      const service = newService();
      // Off the slices' edges (whole hours before NOW), which BETWEEN reads for two slices.
      await put('settled', 'completed', NOW - 10 * HOUR - 7 * MINUTE);
      await put('moves', 'running', NOW - 2 * HOUR - 7 * MINUTE);
      await put('fails', 'failed', NOW - 3 * HOUR - 7 * MINUTE);
      const first = await service.count(new Date(NOW), noDeadline());
      const later = NOW + 15_000;
      await put('moves', 'completed', NOW - 2 * HOUR - 7 * MINUTE);
      await put('fails', 'interrupted', NOW - 3 * HOUR - 7 * MINUTE);
      await put('enters', 'timeout', later - MINUTE);

      // Act
      const refreshed = await service.count(new Date(later), noDeadline());

      // Assess
      expect(first.last24Hours).toEqual({ completed: 1, failed: 1, timeout: 0, interrupted: 0 });
      expect(refreshed).toEqual(await fullReadAt(later));
      expect(refreshed.last24Hours).toEqual({ completed: 2, failed: 0, timeout: 1, interrupted: 1 });
      expect(refreshed.lastHour).toEqual({ completed: 0, failed: 0, timeout: 1, interrupted: 0 });
      // The settled job, 10 h old, was read once: by the first read, not by the refresh.
      expect(readLines.slice(0, 2)).toMatchObject([
        { read: 'full', entriesRead: 2 },
        { read: 'incremental', entriesRead: 3 },
      ]);
    });

    it('drops a job that left the 24 h without reading it again', async () => {
      // Prepare
      const service = newService();
      await put('leaves', 'completed', NOW - 24 * HOUR + MINUTE);
      await put('stays', 'completed', NOW - 23 * HOUR);
      const first = await service.count(new Date(NOW), noDeadline());

      // Act
      const refreshed = await service.count(new Date(NOW + 2 * MINUTE), noDeadline());

      // Assess
      expect([first.last24Hours.completed, refreshed.last24Hours.completed]).toEqual([2, 1]);
      expect(readLines[1]).toMatchObject({ read: 'incremental', entriesRead: 0 });
    });

    it('counts a job written late within the maximum run time and the margin; one written later only at the next full read', async () => {
      // Prepare
      const service = newService();
      await service.count(new Date(NOW), noDeadline());
      const later = NOW + 15_000;
      await put('late', 'completed', NOW - MAX_RUNTIME - SETTLE_MARGIN_MS + MINUTE);
      await put('too-late', 'failed', NOW - MAX_RUNTIME - SETTLE_MARGIN_MS - MINUTE);

      // Act
      const refreshed = await service.count(new Date(later), noDeadline());
      const fullAgain = await service.count(new Date(NOW + FULL_REFRESH), noDeadline());

      // Assess
      expect(refreshed.last24Hours).toMatchObject({ completed: 1, failed: 0 });
      expect(fullAgain.last24Hours).toMatchObject({ completed: 1, failed: 1 });
      expect(readLines.map((line) => line.read)).toEqual(['full', 'incremental', 'full']);
    });
  });

  it('reads the whole window again RUNNER_COUNTS_FULL_REFRESH_MINUTES after the last full read', async () => {
    // Prepare
    const service = newService();
    await put('old', 'completed', NOW - 20 * HOUR - 7 * MINUTE);

    // Act
    for (const minutes of [0, 10, 20, 29, 30, 31]) {
      await service.count(new Date(NOW + minutes * MINUTE), noDeadline());
    }

    // Assess
    expect(readLines.map((line) => line.read)).toEqual([
      'full',
      'incremental',
      'incremental',
      'incremental',
      'full',
      'incremental',
    ]);
    expect(readLines.map((line) => line.entriesRead)).toEqual([1, 0, 0, 0, 1, 0]);
  });

  it('reads on past a first page of 1 MB in slices of an hour, a job at a slice’s edge once, and one at the window’s edges as the windows say', async () => {
    // Prepare: 30 jobs of 40 KB in the full read's first hour make its first page stop there;
    // the rest is read in the slices of an hour after NOW - 38 h.
    const service = newService();
    const bulky = Array.from({ length: 30 }, (_, index) =>
      jobRecord(`bulky-${index}`, 'completed', iso(NOW - 37 * HOUR + index * MINUTE), {
        logTail: 'x'.repeat(40_000),
      }),
    );
    await dynamoDb.putAll(tableName, bulky);
    await put('read-edge', 'completed', NOW - 38 * HOUR);
    await put('slice-edge', 'completed', NOW - 22 * HOUR);
    await put('day-edge', 'completed', NOW - 24 * HOUR);
    await put('before-the-day', 'completed', NOW - 24 * HOUR - 1);
    await put('hour-edge', 'completed', NOW - HOUR);
    await put('now', 'completed', NOW);
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);

    // Act
    const counts = await service
      .count(new Date(NOW), noDeadline())
      .finally(() => process.off('warning', onWarning));

    // Assess
    expect(counts.lastHour.completed).toBe(2);
    expect(counts.last24Hours.completed).toBe(4);
    expect(counts).toEqual(await fullReadAt(NOW));
    // completed: its first page and 37 slices (from the one holding where the page stopped);
    // one page for each other status.
    expect(readLines[0]).toMatchObject({ read: 'full', slices: 1 + 37 + 3 });
    // BETWEEN reads a job at a slice's edge for both slices; it is counted once.
    const onTwoSlices = ['slice-edge', 'day-edge', 'hour-edge'].length;
    expect(readLines[0].entriesRead).toBe(30 + 6 + onTwoSlices);
  });

  it('fails the whole read when one slice fails, and reads the whole window next time', async () => {
    // Prepare
    const service = newService();
    await put('job', 'completed', NOW - 2 * HOUR);
    await service.count(new Date(NOW), noDeadline());
    let failed = false;
    dynamoDb.documentClient.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'QueryCommand') return next(args);
        const input = args.input as { ExpressionAttributeValues: Record<string, string> };
        if (!failed && input.ExpressionAttributeValues[':status'] === 'failed') {
          failed = true;
          throw Object.assign(new Error('Throughput exceeds the current capacity'), {
            name: 'ThrottlingException',
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'failOneSlice' },
    );

    // Act
    try {
      const refresh = service.count(new Date(NOW + 15_000), noDeadline());
      await expect(refresh).rejects.toThrow(JobRecordsUnavailableError);
      const next = await service.count(new Date(NOW + 30_000), noDeadline());

      // Assess
      expect(next.last24Hours.completed).toBe(1);
      expect(readLines.map((line) => line.read)).toEqual(['full', 'full']);
    } finally {
      dynamoDb.documentClient.middlewareStack.remove('failOneSlice');
    }
  });

  it('stays exactly what a full read gives after random arrivals and status moves within the maximum run time', async () => {
    type Step =
      | { kind: 'wait'; ms: number }
      | { kind: 'arrive'; ageMs: number; status: string }
      | { kind: 'move'; pick: number; status: string }
      | { kind: 'read' };
    const statuses = [...RUNNER_STATUSES, ...OUTCOME_STATUSES];
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1_000, max: 40 * MINUTE }) }),
      fc.record({
        kind: fc.constant('arrive' as const),
        ageMs: fc.integer({ min: 0, max: MAX_RUNTIME }),
        status: fc.constantFrom(...statuses),
      }),
      fc.record({
        kind: fc.constant('move' as const),
        pick: fc.nat(),
        status: fc.constantFrom(...statuses),
      }),
      fc.constant({ kind: 'read' as const }),
    );
    // Jobs of the day before, some settled, some leaving the 24 h as time goes by.
    const history = fc.array(
      fc.record({ ageMs: fc.integer({ min: 0, max: 40 * HOUR }), status: fc.constantFrom(...statuses) }),
      { maxLength: 30 },
    );

    await fc.assert(
      fc.asyncProperty(history, fc.array(step, { maxLength: 25 }), async (before, steps) => {
        tableName = await dynamoDb.createStateTable();
        repository = new JobRecordsRepository(
          dynamoDb.documentClient,
          testConfig({ stateTableName: tableName }),
        );
        const jobs: { jobId: string; createdAtMs: number }[] = [];
        let nowMs = NOW;
        for (const [index, job] of before.entries()) {
          jobs.push({ jobId: `before-${index}`, createdAtMs: nowMs - job.ageMs });
          await put(`before-${index}`, job.status, nowMs - job.ageMs);
        }
        const service = newService();
        for (const current of [...steps, { kind: 'read' } as const]) {
          if (current.kind === 'wait') nowMs += current.ms;
          if (current.kind === 'arrive') {
            const job = { jobId: `job-${jobs.length}`, createdAtMs: nowMs - current.ageMs };
            jobs.push(job);
            await put(job.jobId, current.status, job.createdAtMs);
          }
          if (current.kind === 'move') {
            // Only a job within its maximum run time still moves.
            const movable = jobs.filter((job) => nowMs - job.createdAtMs <= MAX_RUNTIME);
            const job = movable[current.pick % Math.max(1, movable.length)];
            if (job !== undefined) await put(job.jobId, current.status, job.createdAtMs);
          }
          if (current.kind === 'read') {
            const counted = await service.count(new Date(nowMs), noDeadline());
            expect(counted).toEqual(await fullReadAt(nowMs));
          }
        }
      }),
      { numRuns: 10 },
    );
  }, 120_000);
});
