import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { amiRecord, jobRecord, LocalDynamoDb } from '../../local/local-dynamodb';
import { testConfig } from '../testing/test-config';
import {
  JobRecordsRepository,
  JobRecordsUnavailableError,
  OLDEST_MAX_PAGES,
  OLDEST_PAGE_LIMIT,
} from './job-records.repository';

const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();
/** 40 KB of other fields: 30 such records are more than one 1 MB page of a query. */
const BULKY = { logTail: 'x'.repeat(40_000) };

describe(JobRecordsRepository.name, () => {
  let dynamoDb: LocalDynamoDb;
  let tableName: string;
  let repository: JobRecordsRepository;
  let queriesSent: number;
  /** Records the queries evaluated (their ScannedCount), before any filter. */
  let recordsRead: number;

  beforeAll(async () => {
    dynamoDb = await LocalDynamoDb.start('eu-west-1');
  });

  afterAll(() => dynamoDb.stop());

  beforeEach(async () => {
    tableName = await dynamoDb.createStateTable();
    repository = new JobRecordsRepository(dynamoDb.documentClient, testConfig({ stateTableName: tableName }));
    queriesSent = 0;
    recordsRead = 0;
    dynamoDb.documentClient.middlewareStack.remove('countQueries');
    dynamoDb.documentClient.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'QueryCommand') return next(args);
        queriesSent++;
        const result = await next(args);
        recordsRead += (result.output as { ScannedCount?: number }).ScannedCount ?? 0;
        return result;
      },
      { step: 'initialize', name: 'countQueries' },
    );
  });

  const noDeadline = () => new AbortController().signal;
  const jobs = (count: number, status: string, createdAt: (index: number) => string, fields = {}) =>
    Array.from({ length: count }, (_, index) =>
      jobRecord(`${status}-${index}`, status, createdAt(index), fields),
    );

  describe('countInStatus', () => {
    it('counts exactly past 1 MB of matching records, over every page', async () => {
      await dynamoDb.putAll(
        tableName,
        jobs(30, 'running', (index) => minutesAgo(index), BULKY),
      );

      const count = await repository.countInStatus('running', noDeadline());

      expect(count).toBe(30);
      expect(queriesSent).toBeGreaterThan(1);
    });

    it('never counts an AMI record, whose failed is not a job’s', async () => {
      // Prepare: job records, and AMI records that the index holds because they have a createdAt.
      await dynamoDb.putAll(tableName, [
        ...jobs(3, 'failed', () => minutesAgo(5)),
        {
          ...amiRecord('linux-x64', { status: 'failed', updatedAt: minutesAgo(5) }),
          createdAt: minutesAgo(5),
        },
        { jobId: 'legacy-ami', recordType: 'AMI', status: 'failed', createdAt: minutesAgo(5) },
      ]);

      // Act
      const count = await repository.countInStatus('failed', noDeadline());

      // Assess
      expect(count).toBe(3);
    });

    it('counts no record without a createdAt: the index does not hold it', async () => {
      await dynamoDb.putAll(tableName, [
        ...jobs(2, 'pending', () => minutesAgo(1)),
        jobRecord(99, 'pending', undefined),
      ]);

      expect(await repository.countInStatus('pending', noDeadline())).toBe(2);
    });

    it('throws JobRecordsUnavailableError when the table has no status-index', async () => {
      const withoutIndex = await dynamoDb.createStateTable(undefined, { withStatusIndex: false });
      const onTableWithoutIndex = new JobRecordsRepository(
        dynamoDb.documentClient,
        testConfig({ stateTableName: withoutIndex }),
      );

      await expect(onTableWithoutIndex.countInStatus('running', noDeadline())).rejects.toBeInstanceOf(
        JobRecordsUnavailableError,
      );
    });

    it('throws JobRecordsUnavailableError once the deadline has passed', async () => {
      await expect(repository.countInStatus('running', AbortSignal.abort())).rejects.toBeInstanceOf(
        JobRecordsUnavailableError,
      );
    });
  });

  describe('creationTimesIn', () => {
    it('reads every createdAt from the range’s start on, past 1 MB, with the entries read and the read units', async () => {
      // Prepare
      await dynamoDb.putAll(tableName, [
        ...jobs(30, 'completed', (index) => minutesAgo(index), BULKY),
        jobRecord('at-the-start', 'completed', minutesAgo(60)),
        jobRecord('before-the-start', 'completed', minutesAgo(61)),
      ]);

      // Act
      const read = await repository.creationTimesIn('completed', { from: minutesAgo(60) }, noDeadline());

      // Assess
      expect(read.createdAts).toHaveLength(31);
      expect(read.createdAts).toContain(minutesAgo(60));
      expect(read.createdAts).not.toContain(minutesAgo(61));
      expect(queriesSent).toBeGreaterThan(1);
      expect(read.entriesRead).toBe(recordsRead);
      // 30 records of 40 KB, eventually consistent: half a unit per 4 KB, a page rounded up.
      expect(read.readUnits).toBeGreaterThanOrEqual((30 * 40_000) / 4096 / 2);
      expect(read.readUnits).toBeLessThan((30 * 41_000) / 4096 / 2 + queriesSent);
    });

    it('reads a range from its start, included, to its end, excluded: the next range’s start', async () => {
      // Prepare
      await dynamoDb.putAll(tableName, [
        jobRecord('before', 'completed', minutesAgo(121)),
        jobRecord('at-the-start', 'completed', minutesAgo(120)),
        jobRecord('inside', 'completed', minutesAgo(90)),
        jobRecord('at-the-end', 'completed', minutesAgo(60)),
        jobRecord('after', 'completed', minutesAgo(59)),
      ]);
      const [first, second] = [
        { from: minutesAgo(120), to: minutesAgo(60) },
        { from: minutesAgo(60), to: minutesAgo(0) },
      ];

      // Act
      const reads = await Promise.all(
        [first, second].map((range) => repository.creationTimesIn('completed', range, noDeadline())),
      );

      // Assess
      expect(reads.map((read) => read.createdAts)).toEqual([
        [minutesAgo(120), minutesAgo(90)],
        [minutesAgo(60), minutesAgo(59)],
      ]);
    });

    it('reads one page when asked, says where it stopped, and resumes after that entry: none twice, none missed, even at one createdAt', async () => {
      // Prepare: 30 records of 40 KB created at the same instant: more than a page.
      await dynamoDb.putAll(
        tableName,
        jobs(30, 'completed', () => minutesAgo(30), BULKY),
      );

      // Act
      const first = await repository.creationTimesIn('completed', { from: minutesAgo(60) }, noDeadline(), {
        onePage: true,
      });
      const rest = await repository.creationTimesIn(
        'completed',
        { from: first.stoppedAt!.createdAt },
        noDeadline(),
        { startAfter: first.stoppedAt },
      );

      // Assess
      expect(first.createdAts.length).toBeGreaterThan(0);
      expect(first.stoppedAt?.createdAt).toBe(minutesAgo(30));
      expect(rest.stoppedAt).toBeUndefined();
      expect(first.createdAts.length + rest.createdAts.length).toBe(30);
      expect(first.entriesRead + rest.entriesRead).toBe(30);
    });

    it('asks DynamoDB for createdAt only and its read units, and leaves AMI records out', async () => {
      // Prepare
      const send = jest.spyOn(dynamoDb.documentClient, 'send');
      await dynamoDb.putAll(tableName, [
        jobRecord(1, 'failed', minutesAgo(5)),
        {
          ...amiRecord('linux-x64', { status: 'failed', updatedAt: minutesAgo(5) }),
          createdAt: minutesAgo(4),
        },
      ]);

      // Act
      const read = await repository.creationTimesIn(
        'failed',
        { from: minutesAgo(60), to: minutesAgo(0) },
        noDeadline(),
      );

      // Assess
      expect(read.createdAts).toEqual([minutesAgo(5)]);
      expect(read.entriesRead).toBe(2);
      const query = send.mock.calls
        .map(([command]) => command)
        .find((command) => command instanceof QueryCommand);
      expect(query?.input).toMatchObject({
        IndexName: 'status-index',
        KeyConditionExpression: '#status = :status AND #createdAt BETWEEN :from AND :to',
        ProjectionExpression: '#createdAt',
        ReturnConsumedCapacity: 'TOTAL',
      });
      send.mockRestore();
    });
  });

  describe('oldestInStatus', () => {
    /** The spec's own rule for a createdAt it takes: a string Date.parse reads. */
    const parses = (createdAt: unknown): createdAt is string =>
      typeof createdAt === 'string' && !Number.isNaN(Date.parse(createdAt));
    /** A createdAt that is no instant and sorts before every ISO-8601 one: epoch seconds, as text. */
    const epochText = (index: number) => String(1_764_590_400 + index);

    it('reads one page of OLDEST_PAGE_LIMIT records, oldest first, never the partition', async () => {
      // Prepare: 40 pending jobs, the oldest 90 minutes old.
      const send = jest.spyOn(dynamoDb.documentClient, 'send');
      await dynamoDb.putAll(
        tableName,
        jobs(40, 'pending', (index) => minutesAgo(90 - index)),
      );

      // Act
      const oldest = await repository.oldestInStatus('pending', parses, noDeadline());

      // Assess
      expect(oldest).toEqual({ kind: 'found', createdAt: minutesAgo(90), skippedJobIds: [] });
      expect(queriesSent).toBe(1);
      expect(recordsRead).toBeLessThanOrEqual(OLDEST_PAGE_LIMIT);
      const query = send.mock.calls
        .map(([command]) => command)
        .find((command) => command instanceof QueryCommand);
      expect(query?.input).toMatchObject({
        IndexName: 'status-index',
        KeyConditionExpression: '#status = :status',
        ScanIndexForward: true,
        Limit: OLDEST_PAGE_LIMIT,
        ProjectionExpression: '#jobId, #createdAt',
      });
      send.mockRestore();
    });

    it('skips records whose createdAt is no instant, oldest first, and goes on to the next page', async () => {
      // Prepare: 7 records that sort first but are no instant, then 3 that are.
      await dynamoDb.putAll(tableName, [
        ...Array.from({ length: 7 }, (_, index) =>
          jobRecord(`bad-${index}`, 'provisioning', epochText(index)),
        ),
        ...jobs(3, 'provisioning', (index) => minutesAgo(30 - index)),
      ]);

      // Act
      const oldest = await repository.oldestInStatus('provisioning', parses, noDeadline());

      // Assess
      expect(oldest).toEqual({
        kind: 'found',
        createdAt: minutesAgo(30),
        skippedJobIds: ['bad-0', 'bad-1', 'bad-2', 'bad-3', 'bad-4', 'bad-5', 'bad-6'],
      });
      expect(queriesSent).toBe(2);
      expect(recordsRead).toBeLessThanOrEqual(2 * OLDEST_PAGE_LIMIT);
    });

    it('stops at its bound, OLDEST_MAX_PAGES queries, when no record in them has an instant', async () => {
      // Prepare: more records that are no instant than the bound reads, then one that is.
      const beyondBound = OLDEST_MAX_PAGES * OLDEST_PAGE_LIMIT + 5;
      await dynamoDb.putAll(tableName, [
        ...Array.from({ length: beyondBound }, (_, index) =>
          jobRecord(`bad-${index}`, 'pending', epochText(index)),
        ),
        jobRecord('good', 'pending', minutesAgo(10)),
      ]);

      // Act
      const oldest = await repository.oldestInStatus('pending', parses, noDeadline());

      // Assess
      expect(oldest.kind).toBe('bound-reached');
      expect(oldest.skippedJobIds).toHaveLength(OLDEST_MAX_PAGES * OLDEST_PAGE_LIMIT);
      expect(queriesSent).toBe(OLDEST_MAX_PAGES);
      expect(recordsRead).toBe(OLDEST_MAX_PAGES * OLDEST_PAGE_LIMIT);
    });

    it('is none when the status holds no job record, or none with an instant', async () => {
      await dynamoDb.putAll(tableName, [
        jobRecord('running', 'running', minutesAgo(5)),
        jobRecord('bad', 'provisioning', epochText(0)),
      ]);

      expect(await repository.oldestInStatus('pending', parses, noDeadline())).toEqual({
        kind: 'none',
        skippedJobIds: [],
      });
      expect(await repository.oldestInStatus('provisioning', parses, noDeadline())).toEqual({
        kind: 'none',
        skippedJobIds: ['bad'],
      });
    });

    it('never takes an AMI record, even one in the status that sorts first', async () => {
      await dynamoDb.putAll(tableName, [
        { jobId: 'AMI#linux-x64', recordType: 'AMI', status: 'pending', createdAt: minutesAgo(600) },
        jobRecord('job', 'pending', minutesAgo(5)),
      ]);

      const oldest = await repository.oldestInStatus('pending', parses, noDeadline());

      expect(oldest).toEqual({ kind: 'found', createdAt: minutesAgo(5), skippedJobIds: [] });
    });

    it('throws JobRecordsUnavailableError when the table has no status-index, or once the deadline has passed', async () => {
      const withoutIndex = await dynamoDb.createStateTable(undefined, { withStatusIndex: false });
      const onTableWithoutIndex = new JobRecordsRepository(
        dynamoDb.documentClient,
        testConfig({ stateTableName: withoutIndex }),
      );

      await expect(
        onTableWithoutIndex.oldestInStatus('pending', parses, noDeadline()),
      ).rejects.toBeInstanceOf(JobRecordsUnavailableError);
      await expect(repository.oldestInStatus('pending', parses, AbortSignal.abort())).rejects.toBeInstanceOf(
        JobRecordsUnavailableError,
      );
    });
  });
});
