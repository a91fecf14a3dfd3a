import type { Clock } from '../src/common/clock';
import type { StatusReport } from '../src/status/contract/status.schema';
import { amiRecord, jobRecord, LocalDynamoDb, startLocalDynamoDb } from './support/local-dynamodb';
import { StatusApp, startStatusApp } from './support/status-app';
import { getChecked } from './support/status-contract';

const START = Date.parse('2026-12-01T12:00:00.000Z');
const HOUR = 3_600_000;

class TestClock implements Clock {
  nowMs = START;
  now(): Date {
    return new Date(this.nowMs);
  }
}

describe('GET /status: runner activity from the status-index (e2e, DynamoDB on dynalite)', () => {
  let dynamoDb: LocalDynamoDb;
  let tableName: string;
  let statusApp: StatusApp;
  let clock: TestClock;
  let queries: { index?: string; select?: string }[];

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
      (next, context) => (args) => {
        if (context.commandName === 'QueryCommand') {
          const input = (args.input ?? {}) as { IndexName?: string; Select?: string };
          queries.push({ index: input.IndexName, select: input.Select });
        }
        return next(args);
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

  it('makes seven status-index queries for eleven figures: one per runner state, one per outcome for both windows', async () => {
    await report();

    expect(queries.filter((query) => query.index === 'status-index')).toEqual([
      ...Array(3).fill({ index: 'status-index', select: 'COUNT' }),
      ...Array(4).fill({ index: 'status-index', select: undefined }),
    ]);
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
      github: { status: 'connected' },
    });
    expect(warn).toHaveBeenCalledWith(
      'Runner activity could not be counted; reported as null',
      expect.objectContaining({ outcome: 'runner-counts-unavailable', reason: 'state-table-error' }),
    );
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

      expect(queries.filter((query) => query.index === 'status-index')).toHaveLength(7);
      expect(queries.filter((query) => query.index === 'recordType-index')).toHaveLength(4);
    });
  });
});
