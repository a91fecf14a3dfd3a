import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../src/common/clock';
import type { StatusReport } from '../src/status/contract/status.schema';
import { amiRecord, jobRecord, LocalDynamoDb, startLocalDynamoDb } from './support/local-dynamodb';
import { StatusApp, startStatusApp } from './support/status-app';
import { getChecked } from './support/status-contract';

const START = Date.parse('2026-12-01T12:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 3_600_000;

class TestClock implements Clock {
  nowMs = START;
  now(): Date {
    return new Date(this.nowMs);
  }
}

/** A server that takes every request and never answers: a hung DynamoDB endpoint. */
async function startBlackHole(): Promise<{
  server: Server;
  target: { hostname: string; port: number };
  received: () => number;
}> {
  let received = 0;
  const server = createServer(() => void received++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    target: { hostname: '127.0.0.1', port: (server.address() as AddressInfo).port },
    received: () => received,
  };
}

describe('GET /status: runner activity from the status-index (e2e, DynamoDB on dynalite)', () => {
  let dynamoDb: LocalDynamoDb;
  let tableName: string;
  let statusApp: StatusApp;
  let clock: TestClock;
  /**
   * Each Query sent, with the oldest-first read's Limit and order when set, and the records it
   * read; an outcome read's start of createdAt.
   */
  let queries: {
    index?: string;
    select?: string;
    limit?: number;
    forward?: boolean;
    read?: number;
    from?: string;
  }[];

  beforeAll(async () => {
    dynamoDb = await startLocalDynamoDb();
  });

  afterAll(() => dynamoDb.stop());

  beforeEach(async () => {
    clock = new TestClock();
    tableName = await dynamoDb.createStateTable();
    await startApp();
    await dynamoDb.put(
      tableName,
      amiRecord('linux-x64', { status: 'ready', amiId: 'ami-0a1b2c3d4e5f60001', updatedAt: ago(HOUR) }),
    );
  });

  afterEach(() => statusApp.app.close());

  async function startApp(config: Parameters<typeof startStatusApp>[0] = {}) {
    statusApp = await startStatusApp({ stateTableName: tableName, ...config }, clock);
    queries = [];
    statusApp.dynamoDb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'QueryCommand') return next(args);
        const input = (args.input ?? {}) as {
          IndexName?: string;
          Select?: string;
          Limit?: number;
          ScanIndexForward?: boolean;
          ExpressionAttributeValues?: Record<string, unknown>;
        };
        const query: (typeof queries)[number] = { index: input.IndexName, select: input.Select };
        const from = input.ExpressionAttributeValues?.[':from'];
        if (typeof from === 'string') query.from = from;
        if (input.Limit !== undefined)
          Object.assign(query, { limit: input.Limit, forward: input.ScanIndexForward });
        queries.push(query);
        const result = await next(args);
        if (input.Limit !== undefined) query.read = (result.output as { ScannedCount?: number }).ScannedCount;
        return result;
      },
      { step: 'initialize', name: 'recordQueries' },
    );
  }

  function ago(ms: number): string {
    return new Date(clock.nowMs - ms).toISOString();
  }
  const report = async () => (await getChecked(statusApp.app).expect(200)).body as StatusReport;
  const jobs = (count: number, status: string, createdAt: (index: number) => string, fields = {}) =>
    Array.from({ length: count }, (_, index) =>
      jobRecord(`${status}-${index}`, status, createdAt(index), fields),
    );

  it('counts runners by state and outcomes by window, with the platform’s names and message', async () => {
    // Prepare
    await dynamoDb.putAll(tableName, [
      ...jobs(2, 'pending', () => ago(60_000)),
      jobRecord('p1', 'provisioning', ago(120_000)),
      ...jobs(3, 'running', (index) => ago(index * 2 * HOUR)), // running for up to 4 h still counts
      ...jobs(4, 'completed', (index) => ago(index * 20 * 60_000)), // 0, 20, 40, 60 min: all in the hour
      jobRecord('c-old', 'completed', ago(3 * HOUR)),
      jobRecord('c-older', 'completed', ago(30 * HOUR)), // outside both windows
      jobRecord('f1', 'failed', ago(2 * HOUR)),
      jobRecord('t1', 'timeout', ago(10 * 60_000)),
      jobRecord('i1', 'interrupted', ago(23 * HOUR)),
    ]);

    // Act
    const body = await report();

    // Assess
    expect(body).toMatchObject({
      status: 'ready',
      message: '1 preset ready, 3 runners running, 1 runner provisioning, 2 runners pending',
      runners: { pending: 2, provisioning: 1, running: 3 },
      recentActivity: {
        lastHour: { completed: 4, failed: 0, timeout: 1, interrupted: 0 },
        last24Hours: { completed: 5, failed: 1, timeout: 1, interrupted: 1 },
      },
    });
  });

  it('counts exactly past 1 MB of matching records (every page), and never an AMI record', async () => {
    // Prepare: 30 records of 40 KB in each of two statuses, and failed AMI records the index holds.
    const bulky = { logTail: 'x'.repeat(40_000) };
    await dynamoDb.putAll(tableName, [
      ...jobs(30, 'running', () => ago(60_000), bulky),
      ...jobs(30, 'failed', (index) => ago(index * 60_000), bulky),
      { ...amiRecord('linux-arm64', { status: 'failed', updatedAt: ago(60_000) }), createdAt: ago(60_000) },
    ]);

    // Act
    const body = await report();

    // Assess
    expect(body.runners?.running).toBe(30);
    expect(body.recentActivity?.last24Hours.failed).toBe(30);
    expect(body.presets.map((preset) => preset.name)).toEqual(['linux-arm64', 'linux-x64']);
    const statusIndexQueries = queries.filter((query) => query.index === 'status-index');
    expect(statusIndexQueries.length).toBeGreaterThan(7);
  });

  it('makes nine status-index queries on a small table: one per runner state, one page per outcome for both windows, one per waiting status', async () => {
    await report();

    const statusIndexQueries = queries.filter((query) => query.index === 'status-index');
    const counted = (kind: (query: (typeof queries)[number]) => boolean) =>
      statusIndexQueries.filter(kind).length;
    expect(statusIndexQueries).toHaveLength(9);
    expect(counted((query) => query.select === 'COUNT')).toBe(3);
    expect(counted((query) => query.select === undefined && query.limit === undefined)).toBe(4);
    expect(counted((query) => query.limit === 5 && query.forward === true && query.read === 0)).toBe(2);
  });

  it('reports records without createdAt nowhere: the index does not hold them', async () => {
    await dynamoDb.putAll(tableName, [
      jobRecord('r1', 'running', ago(60_000)),
      jobRecord('r2', 'running', undefined),
    ]);

    expect((await report()).runners?.running).toBe(1);
  });

  it('answers null counts, and the AMIs and GitHub as before, when the table has no status-index', async () => {
    // Prepare
    await statusApp.app.close();
    tableName = await dynamoDb.createStateTable(undefined, { withStatusIndex: false });
    await dynamoDb.put(
      tableName,
      amiRecord('linux-x64', { status: 'ready', amiId: 'ami-0a1b2c3d4e5f60001', updatedAt: ago(HOUR) }),
    );
    await startApp();
    const warn = jest.spyOn(statusApp.logger, 'warn');

    // Act
    const body = await report();

    // Assess
    expect(body).toMatchObject({
      status: 'ready',
      message: '1 preset ready',
      runners: null,
      recentActivity: null,
      queue: null,
      github: { status: 'connected' },
    });
    expect(body.findings).toEqual([
      expect.objectContaining({ id: 'check-unavailable', subject: 'jobs', severity: 'warning' }),
    ]);
    expect(warn).toHaveBeenCalledWith(
      'Runner activity could not be counted; reported as null',
      expect.objectContaining({ outcome: 'runner-counts-unavailable', reason: 'state-table-error' }),
    );
    expect(warn).toHaveBeenCalledWith(
      'The jobs’ waits could not be read; queue reported as null',
      expect.objectContaining({ outcome: 'job-queue-unavailable', reason: 'state-table-error' }),
    );
  });

  describe('the queue', () => {
    it('reports the oldest pending and provisioning job’s wait, each from one query of 5 records oldest first, never the partition', async () => {
      // Prepare: 40 pending jobs, the oldest 21 minutes old; 2 provisioning, the oldest 95 s.
      await dynamoDb.putAll(tableName, [
        ...jobs(40, 'pending', (index) => ago(21 * MINUTE - index * 1_000)),
        jobRecord('p1', 'provisioning', ago(95_000)),
        jobRecord('p2', 'provisioning', ago(10_000)),
      ]);

      // Act
      const body = await report();

      // Assess
      expect(body.queue).toEqual({ oldestPendingAgeSeconds: 21 * 60, oldestProvisioningAgeSeconds: 95 });
      expect(body.status).toBe('ready');
      expect(body.findings).toEqual([
        expect.objectContaining({
          id: 'jobs-waiting',
          severity: 'warning',
          subject: 'jobs',
          summary: 'The oldest pending job has waited 21 minutes for a runner.',
        }),
      ]);
      const oldestFirst = queries.filter((query) => query.limit !== undefined);
      expect(oldestFirst).toHaveLength(2);
      for (const query of oldestFirst) {
        expect(query).toMatchObject({ index: 'status-index', limit: 5, forward: true });
        expect(query.read).toBeLessThanOrEqual(5);
      }
    });

    it('skips a record whose createdAt is no instant, logged with its job id, and ages the next one', async () => {
      // Prepare: epoch seconds as text sort before every ISO-8601 createdAt.
      await dynamoDb.putAll(tableName, [
        jobRecord('7001', 'pending', '1764590400'),
        jobRecord('7002', 'pending', ago(2 * MINUTE)),
      ]);
      const warn = jest.spyOn(statusApp.logger, 'warn');

      // Act
      const body = await report();

      // Assess
      expect(body.queue?.oldestPendingAgeSeconds).toBe(120);
      expect(warn).toHaveBeenCalledWith(
        expect.any(String),
        expect.objectContaining({ outcome: 'job-record-invalid', status: 'pending', jobIds: ['7001'] }),
      );
    });

    it('makes the platform degraded when a job has waited past JOB_WAIT_CRITICAL_MINUTES: jobs-stuck leads the message', async () => {
      await dynamoDb.put(tableName, jobRecord('late', 'pending', ago(61 * MINUTE)));

      const body = await report();

      expect(body).toMatchObject({
        status: 'degraded',
        message: 'Jobs stuck waiting for a runner; 1 preset ready, 1 runner pending',
        queue: { oldestPendingAgeSeconds: 61 * 60, oldestProvisioningAgeSeconds: null },
      });
      expect(body.findings).toEqual([
        expect.objectContaining({ id: 'jobs-stuck', severity: 'critical', subject: 'jobs' }),
      ]);
    });

    it('is null in the queue for a status with no job, and no finding', async () => {
      const body = await report();

      expect(body.queue).toEqual({ oldestPendingAgeSeconds: null, oldestProvisioningAgeSeconds: null });
      expect(body.findings).toEqual([]);
    });

    it('hangs no request: queue queries that never answer leave queue null by the deadline, the counts and the AMIs as before', async () => {
      // Prepare: the oldest-first queries go to a server that never answers. Jest's 5 s timeout
      // is shorter than the SDK's 10 s request timeout: only the 1 s deadline can end them.
      const blackHole = await startBlackHole();
      await statusApp.app.close();
      await startApp({ reconciliationBudgetMs: 1_000 });
      statusApp.dynamoDb.middlewareStack.add(
        (next, context) => (args) => {
          const { ScanIndexForward } = (context.commandName === 'QueryCommand' ? args.input : {}) as {
            ScanIndexForward?: boolean;
          };
          if (ScanIndexForward === true) Object.assign(args.request as object, blackHole.target);
          return next(args);
        },
        { step: 'build', name: 'queueToBlackHole' },
      );
      const warn = jest.spyOn(statusApp.logger, 'warn');

      try {
        // Act
        const body = await report();

        // Assess
        expect(blackHole.received()).toBe(2);
        expect(body).toMatchObject({ status: 'ready', queue: null, runners: { running: 0 } });
        expect(body.findings).toEqual([expect.objectContaining({ id: 'check-unavailable' })]);
        expect(warn).toHaveBeenCalledWith(
          expect.any(String),
          expect.objectContaining({ outcome: 'job-queue-unavailable', reason: 'deadline-exceeded' }),
        );
      } finally {
        blackHole.server.closeAllConnections();
        await new Promise((resolve) => blackHole.server.close(resolve));
      }
    });
  });

  describe('cheap', () => {
    it('within the TTL, a warm request makes only the AMI query; after it, counts again', async () => {
      // Prepare
      await report();
      await dynamoDb.put(tableName, jobRecord('late', 'running', ago(1_000)));

      // Act
      queries.length = 0;
      clock.nowMs += 14_999;
      const cached = await report();
      const warmQueries = [...queries];
      clock.nowMs += 1;
      const after = await report();

      // Assess
      expect(warmQueries).toEqual([{ index: 'recordType-index', select: undefined }]);
      expect(cached.runners?.running).toBe(0);
      expect(after.runners?.running).toBe(1);
    });

    it('takes its TTL from RUNNER_COUNTS_TTL_SECONDS', async () => {
      await statusApp.app.close();
      await startApp({ runnerCountsTtlMs: 60_000 });
      await report();

      queries.length = 0;
      clock.nowMs += 59_000;
      await report();

      expect(queries.filter((query) => query.index === 'status-index')).toHaveLength(0);
    });

    it('shares one read between concurrent requests', async () => {
      await Promise.all([report(), report(), report(), report()]);

      expect(queries.filter((query) => query.index === 'status-index')).toHaveLength(9);
      expect(queries.filter((query) => query.index === 'recordType-index')).toHaveLength(4);
    });

    it('refreshes after the TTL by reading only the jobs created since JOB_MAX_RUNTIME_HOURS and 15 min, exact all the same', async () => {
      // Prepare
      await dynamoDb.putAll(tableName, [
        jobRecord('settled', 'completed', ago(20 * HOUR + 7 * MINUTE)),
        jobRecord('moves', 'running', ago(2 * HOUR + 7 * MINUTE)),
      ]);
      const cold = await report();
      queries.length = 0;
      clock.nowMs += 15_000;
      await dynamoDb.putAll(tableName, [
        jobRecord('moves', 'completed', ago(2 * HOUR + 7 * MINUTE + 15_000)),
        jobRecord('new', 'failed', ago(MINUTE)),
      ]);

      // Act
      const warm = await report();

      // Assess
      expect(cold.recentActivity?.last24Hours).toEqual({
        completed: 1,
        failed: 0,
        timeout: 0,
        interrupted: 0,
      });
      expect(warm.runners?.running).toBe(0);
      expect(warm.recentActivity?.last24Hours).toEqual({
        completed: 2,
        failed: 1,
        timeout: 0,
        interrupted: 0,
      });
      // One page per outcome, from the cold read's settled bound: its time less 6 h and 15 min.
      const outcomeQueries = queries.filter(
        (query) => query.index === 'status-index' && query.select === undefined && query.limit === undefined,
      );
      expect(outcomeQueries.map((query) => query.from)).toEqual(
        Array(4).fill(new Date(START - 6 * HOUR - 15 * MINUTE).toISOString()),
      );
    });
  });
});
