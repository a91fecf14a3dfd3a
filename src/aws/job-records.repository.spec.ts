import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { amiRecord, jobRecord, LocalDynamoDb } from '../../local/local-dynamodb';
import { testConfig } from '../testing/test-config';
import { JobRecordsRepository, JobRecordsUnavailableError } from './job-records.repository';

const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();
/** 40 KB of other fields: 30 such records are more than one 1 MB page of a query. */
const BULKY = { logTail: 'x'.repeat(40_000) };

describe(JobRecordsRepository.name, () => {
  let dynamoDb: LocalDynamoDb;
  let tableName: string;
  let repository: JobRecordsRepository;
  let queriesSent: number;

  beforeAll(async () => {
    dynamoDb = await LocalDynamoDb.start('eu-west-1');
  });

  afterAll(() => dynamoDb.stop());

  beforeEach(async () => {
    tableName = await dynamoDb.createStateTable();
    repository = new JobRecordsRepository(dynamoDb.documentClient, testConfig({ stateTableName: tableName }));
    queriesSent = 0;
    dynamoDb.documentClient.middlewareStack.remove('countQueries');
    dynamoDb.documentClient.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === 'QueryCommand') queriesSent++;
        return next(args);
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

  describe('creationTimesInStatus', () => {
    it('reads every createdAt from the bound on, past 1 MB, as the index sorts them', async () => {
      // Prepare
      await dynamoDb.putAll(tableName, [
        ...jobs(30, 'completed', (index) => minutesAgo(index), BULKY),
        jobRecord('at-the-bound', 'completed', minutesAgo(60)),
        jobRecord('before-the-bound', 'completed', minutesAgo(61)),
      ]);

      // Act
      const times = await repository.creationTimesInStatus('completed', minutesAgo(60), noDeadline());

      // Assess
      expect(times).toHaveLength(31);
      expect(times).toContain(minutesAgo(60));
      expect(times).not.toContain(minutesAgo(61));
      expect(queriesSent).toBeGreaterThan(1);
    });

    it('asks DynamoDB for createdAt only, and leaves AMI records out', async () => {
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
      const times = await repository.creationTimesInStatus('failed', minutesAgo(60), noDeadline());

      // Assess
      expect(times).toEqual([minutesAgo(5)]);
      const query = send.mock.calls
        .map(([command]) => command)
        .find((command) => command instanceof QueryCommand);
      expect(query?.input).toMatchObject({
        IndexName: 'status-index',
        KeyConditionExpression: '#status = :status AND #createdAt >= :createdFrom',
        ProjectionExpression: '#createdAt',
      });
      send.mockRestore();
    });
  });
});
