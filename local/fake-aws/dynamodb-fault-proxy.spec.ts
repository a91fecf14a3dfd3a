import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  QueryCommandInput,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { JOB_STATUS_INDEX } from '../../src/ami-state/state-table';
import { jobRecord, LocalDynamoDb } from '../local-dynamodb';
import { DynamoDbFaultProxy } from './dynamodb-fault-proxy';

const REGION = 'eu-west-1';

describe('DynamoDbFaultProxy in front of dynalite, through the real SDK client', () => {
  let dynamoDb: LocalDynamoDb;
  let proxy: DynamoDbFaultProxy;
  let tableName: string;
  /** No retries: each call is one request, so a failure reaches the test as it was answered. */
  let client: DynamoDBClient;
  let documentClient: DynamoDBDocumentClient;
  let jobCount = 0;

  beforeAll(async () => {
    dynamoDb = await LocalDynamoDb.start(REGION);
    tableName = await dynamoDb.createStateTable();
    proxy = await DynamoDbFaultProxy.start(dynamoDb.endpoint);
    client = new DynamoDBClient({
      region: REGION,
      endpoint: proxy.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    documentClient = DynamoDBDocumentClient.from(client);
  });

  afterAll(async () => {
    client.destroy();
    await proxy.close();
    await dynamoDb.stop();
  });

  afterEach(() => proxy.resetControls());

  /** A job id no other test writes. */
  const newJobId = () => `job-${++jobCount}`;

  function put(jobId: string, abortSignal?: AbortSignal) {
    return documentClient.send(new PutCommand({ TableName: tableName, Item: { jobId, status: 'queued' } }), {
      abortSignal,
    });
  }

  async function untilReceived(operation: string): Promise<void> {
    while (proxy.callsTo(operation).length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** Starts a proxied PutItem of `jobId`, and aborts it once the proxy has received it. */
  async function abandonedPut(jobId: string): Promise<void> {
    const controller = new AbortController();
    const call = put(jobId, controller.signal);
    await untilReceived('PutItem');
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  }

  it('forwards calls and relays the answers, and records each call with its operation and input', async () => {
    // Prepare
    const jobId = newJobId();

    // Act
    await put(jobId);
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: tableName, Key: { jobId }, ConsistentRead: true }),
    );

    // Assess
    expect(Item).toEqual({ jobId, status: 'queued' });
    expect(await dynamoDb.get(tableName, jobId)).toEqual({ jobId, status: 'queued' });
    expect(proxy.calls.map((call) => call.operation)).toEqual(['PutItem', 'GetItem']);
    expect(proxy.calls[0].input).toMatchObject({ TableName: tableName, Item: { jobId: { S: jobId } } });
  });

  describe('failNext', () => {
    it('throttling: the client sees ProvisionedThroughputExceededException, and nothing is written', async () => {
      // Prepare
      const jobId = newJobId();
      proxy.failNext('PutItem', 1);

      // Act
      const call = put(jobId);

      // Assess
      await expect(call).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
      await expect(call).rejects.toMatchObject({
        name: 'ProvisionedThroughputExceededException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
      expect(await dynamoDb.get(tableName, jobId)).toBeUndefined();
    });

    it('internal-error: the client sees InternalServerError, and nothing is written', async () => {
      // Prepare
      const jobId = newJobId();
      proxy.failNext('*', 1, 'internal-error');

      // Act
      const call = put(jobId);

      // Assess
      await expect(call).rejects.toBeInstanceOf(InternalServerError);
      await expect(call).rejects.toMatchObject({
        name: 'InternalServerError',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
      });
      expect(await dynamoDb.get(tableName, jobId)).toBeUndefined();
    });

    it('fails only the next `count` calls: a client that retries gets through on its third attempt', async () => {
      // Prepare
      const jobId = newJobId();
      proxy.failNext('PutItem', 2);
      const retrying = DynamoDBDocumentClient.from(
        new DynamoDBClient({
          region: REGION,
          endpoint: proxy.endpoint,
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          maxAttempts: 3,
        }),
      );

      // Act
      try {
        const { $metadata } = await retrying.send(
          new PutCommand({ TableName: tableName, Item: { jobId, status: 'queued' } }),
        );

        // Assess
        expect($metadata.attempts).toBe(3);
      } finally {
        retrying.destroy();
      }
      expect(proxy.callsTo('PutItem')).toHaveLength(3);
      expect(await dynamoDb.get(tableName, jobId)).toEqual({ jobId, status: 'queued' });
    });

    it("answers with DynamoDB's JSON 1.0 error shape", async () => {
      proxy.failNext('DescribeTable', 1);

      const response = await fetch(proxy.endpoint, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.0',
          'X-Amz-Target': 'DynamoDB_20120810.DescribeTable',
        },
        body: JSON.stringify({ TableName: tableName }),
      });

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.0');
      expect(response.headers.get('x-amzn-requestid')).toEqual(expect.any(String));
      expect(await response.json()).toEqual({
        __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
        message: expect.any(String),
      });
      expect(proxy.calls).toEqual([
        { operation: 'DescribeTable', input: { TableName: tableName }, receivedAt: expect.any(Number) },
      ]);
    });
  });

  it('applyThenFail: the client sees the failure, but the write was applied', async () => {
    // Prepare
    const jobId = newJobId();
    proxy.applyThenFail('PutItem', 1);

    // Act
    const call = put(jobId);

    // Assess
    await expect(call).rejects.toBeInstanceOf(InternalServerError);
    expect(await dynamoDb.get(tableName, jobId)).toEqual({ jobId, status: 'queued' });
  });

  describe('latency and abandoned calls', () => {
    it('a slow call the client aborts is never applied', async () => {
      // Prepare
      const jobId = newJobId();
      proxy.setLatency('PutItem', 300);

      // Act
      await abandonedPut(jobId);
      await proxy.idle();

      // Assess
      expect(await dynamoDb.get(tableName, jobId)).toBeUndefined();
    });

    it('applyWhenAbandoned: a call the client gave up on lands after its latency all the same (a ghost write)', async () => {
      // Prepare
      const jobId = newJobId();
      proxy.setLatency('*', 300);
      proxy.applyWhenAbandoned('PutItem');

      // Act
      await abandonedPut(jobId);
      const rightAfterTheAbort = await dynamoDb.get(tableName, jobId);
      await proxy.idle();

      // Assess
      expect(rightAfterTheAbort).toBeUndefined();
      expect(await dynamoDb.get(tableName, jobId)).toEqual({ jobId, status: 'queued' });
    });
  });

  describe('hold', () => {
    /** Starts a proxied PutItem that only the client's abort, 100 ms after it arrived, ends. */
    async function heldPut(jobId: string): Promise<void> {
      const controller = new AbortController();
      let settled = false;
      const call = put(jobId, controller.signal).finally(() => (settled = true));
      await untilReceived('PutItem');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(settled).toBe(false);
      controller.abort();
      await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    }

    it('a held call is never answered, and never applied', async () => {
      // Prepare
      const jobId = newJobId();
      proxy.hold('PutItem');

      // Act
      await heldPut(jobId);
      await proxy.idle();

      // Assess
      expect(await dynamoDb.get(tableName, jobId)).toBeUndefined();
    });

    it('with applyWhenAbandoned: never answered, but applied', async () => {
      // Prepare
      const jobId = newJobId();
      proxy.hold('PutItem');
      proxy.applyWhenAbandoned('PutItem');

      // Act
      await heldPut(jobId);
      await proxy.idle();

      // Assess
      expect(await dynamoDb.get(tableName, jobId)).toEqual({ jobId, status: 'queued' });
    });
  });

  it('onCall: the hook runs before the call is forwarded, so the call sees what the hook wrote', async () => {
    // Prepare
    const jobId = newJobId();
    const hookInputs: Record<string, unknown>[] = [];
    proxy.onCall('PutItem', async (input) => {
      hookInputs.push(input);
      await dynamoDb.put(tableName, { jobId, status: 'written-by-another-writer' });
    });

    // Act
    const call = documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: { jobId, status: 'queued' },
        ConditionExpression: 'attribute_not_exists(jobId)',
      }),
    );

    // Assess
    await expect(call).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    expect(hookInputs).toEqual([expect.objectContaining({ TableName: tableName })]);
    expect(await dynamoDb.get(tableName, jobId)).toEqual({ jobId, status: 'written-by-another-writer' });
  });

  it('resetControls forgets holds, failures, the service time model and calls', async () => {
    // Prepare
    const jobId = newJobId();
    proxy.hold('PutItem');
    proxy.failNext('*', 5);
    proxy.modelServiceTime({ fixedMs: 60_000, perEntryMs: 0 });
    await dynamoDb.put(tableName, { jobId, status: 'queued' });
    await expect(
      documentClient.send(new GetCommand({ TableName: tableName, Key: { jobId } })),
    ).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);

    // Act
    proxy.resetControls();

    // Assess
    expect(proxy.calls).toEqual([]);
    await put(jobId);
    await documentClient.send(new ScanCommand({ TableName: tableName, Limit: 1 }), {
      abortSignal: AbortSignal.timeout(5_000),
    });
    expect(proxy.calls.map((call) => call.operation)).toEqual(['PutItem', 'Scan']);
  });

  it('clearCalls forgets the calls, not the controls', async () => {
    // Prepare
    proxy.failNext('*', 2);
    await expect(put(newJobId())).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);

    // Act
    proxy.clearCalls();

    // Assess
    expect(proxy.calls).toEqual([]);
    await expect(put(newJobId())).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(proxy.calls.map((call) => call.operation)).toEqual(['PutItem']);
  });

  describe('what the answers said', () => {
    it('records each answer: entries read and returned, and the read units when the call asked for them', async () => {
      // Prepare
      const status = await seedStatus('answer-recorded', 3);

      // Act
      await documentClient.send(new QueryCommand(statusQuery(status, { ReturnConsumedCapacity: 'TOTAL' })));
      await documentClient.send(
        new QueryCommand({
          ...statusQuery(status, { Limit: 2, FilterExpression: 'jobId = :first' }),
          ExpressionAttributeValues: { ':status': status, ':first': `${status}-0` },
        }),
      );
      await put(newJobId());

      // Assess
      expect(proxy.calls.map((call) => call.answer)).toEqual([
        { statusCode: 200, scannedCount: 3, count: 3, capacityUnits: 0.5 },
        { statusCode: 200, scannedCount: 2, count: 1 },
        { statusCode: 200 },
      ]);
      expect(proxy.calls.map((call) => call.targetMs)).toEqual([
        expect.any(Number),
        expect.any(Number),
        expect.any(Number),
      ]);
    });

    it('records the status of an answer the target refused', async () => {
      await expect(
        documentClient.send(new QueryCommand({ ...statusQuery('refused'), IndexName: 'no-such-index' })),
      ).rejects.toMatchObject({ name: 'ValidationException' });

      expect(proxy.calls[0].answer).toEqual({ statusCode: 400 });
    });
  });

  describe('modelServiceTime', () => {
    it.each([
      ['Query', () => new QueryCommand(statusQuery('modelled-fixed'))],
      ['Scan', () => new ScanCommand({ TableName: tableName, Limit: 1 })],
    ])(
      'a %s answer is held fixedMs: a client whose timeout is shorter gives up',
      async (operation, command) => {
        // Prepare
        proxy.modelServiceTime({ fixedMs: 5_000, perEntryMs: 0 });

        // Act
        const call = documentClient.send(command(), { abortSignal: AbortSignal.timeout(200) });

        // Assess
        await expect(call).rejects.toMatchObject({ name: 'AbortError' });
        expect(proxy.calls).toEqual([expect.objectContaining({ operation, modelledMs: 5_000 })]);
      },
    );

    it('holds an answer in proportion to the entries it read: the whole partition outlasts the deadline, one page of 1 does not', async () => {
      // Prepare
      const status = await seedStatus('modelled-per-entry', 20);
      proxy.modelServiceTime({ fixedMs: 0, perEntryMs: 200 });
      const deadline = () => ({ abortSignal: AbortSignal.timeout(2_000) });

      // Act
      const whole = documentClient.send(new QueryCommand(statusQuery(status)), deadline());
      const onePage = documentClient.send(new QueryCommand(statusQuery(status, { Limit: 1 })), deadline());

      // Assess
      await expect(whole).rejects.toMatchObject({ name: 'AbortError' });
      await expect(onePage).resolves.toMatchObject({ Count: 1 });
      expect(proxy.calls.map(({ answer, modelledMs }) => ({ answer, modelledMs }))).toEqual([
        { answer: expect.objectContaining({ scannedCount: 20 }), modelledMs: 4_000 },
        { answer: expect.objectContaining({ scannedCount: 1 }), modelledMs: 200 },
      ]);
    });

    it('overlaps calls sent at once: both are held together, and both are answered within a deadline one at a time would miss', async () => {
      // Prepare
      const status = await seedStatus('modelled-overlap', 2);
      proxy.modelServiceTime({ fixedMs: 600, perEntryMs: 0 });
      // Two holds of 600 ms one after the other would take 1 200 ms.
      const deadline = AbortSignal.timeout(1_000);
      const query = () =>
        documentClient.send(new QueryCommand(statusQuery(status)), { abortSignal: deadline });

      // Act
      const both = [query(), query()];
      await Promise.race(both);
      const answeredWhenTheFirstArrived = proxy.calls.map((call) => call.answer !== undefined);
      const answers = await Promise.all(both);

      // Assess
      expect(answeredWhenTheFirstArrived).toEqual([true, true]);
      expect(answers).toEqual([expect.objectContaining({ Count: 2 }), expect.objectContaining({ Count: 2 })]);
      expect(deadline.aborted).toBe(false);
    });

    it('leaves other operations as they are', async () => {
      proxy.modelServiceTime({ fixedMs: 60_000, perEntryMs: 60_000 });

      await put(newJobId(), AbortSignal.timeout(5_000));

      expect(proxy.calls.map((call) => call.operation)).toEqual(['PutItem']);
      expect(proxy.calls[0]).not.toHaveProperty('modelledMs');
    });
  });

  /** `count` job records in a status of their own, written straight to dynalite. */
  async function seedStatus(status: string, count: number): Promise<string> {
    const createdAt = new Date().toISOString();
    await dynamoDb.putAll(
      tableName,
      Array.from({ length: count }, (_, index) => jobRecord(`${status}-${index}`, status, createdAt)),
    );
    return status;
  }

  /** Every record of `status`, through the status-index, as the service reads it. */
  function statusQuery(status: string, extra: Partial<QueryCommandInput> = {}): QueryCommandInput {
    return {
      TableName: tableName,
      IndexName: JOB_STATUS_INDEX.name,
      KeyConditionExpression: '#status = :status',
      ExpressionAttributeNames: { '#status': JOB_STATUS_INDEX.partitionKey },
      ExpressionAttributeValues: { ':status': status },
      ...extra,
    };
  }
});
