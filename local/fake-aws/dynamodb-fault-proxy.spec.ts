import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { LocalDynamoDb } from '../local-dynamodb';
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
      expect(proxy.calls).toEqual([{ operation: 'DescribeTable', input: { TableName: tableName } }]);
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

  it('resetControls forgets holds, failures and calls', async () => {
    // Prepare
    const jobId = newJobId();
    proxy.hold('PutItem');
    proxy.failNext('*', 5);
    await dynamoDb.put(tableName, { jobId, status: 'queued' });
    await expect(
      documentClient.send(new GetCommand({ TableName: tableName, Key: { jobId } })),
    ).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);

    // Act
    proxy.resetControls();

    // Assess
    expect(proxy.calls).toEqual([]);
    await put(jobId);
    expect(proxy.calls.map((call) => call.operation)).toEqual(['PutItem']);
  });
});
