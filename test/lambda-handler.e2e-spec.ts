import {
  GetImageCommand,
  ImagebuilderClient,
  ListImagePipelineImagesCommand,
  ListImagePipelinesCommand,
} from '@aws-sdk/client-imagebuilder';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../src/main.lambda';
import type { StatusReport } from '../src/status/contract/status.schema';
import { httpApiEvent, lambdaContext, restApiEvent } from '../local/lambda/api-gateway-events';
import { FakeGitHub } from '../local/fake-github';
import { amiRecord, LocalDynamoDb, startLocalDynamoDb } from './support/local-dynamodb';
import { expectLambdaStatusContract } from './support/status-contract';

// The handler builds its own application, as Lambda does: Image Builder and SSM are mocked
// for every client of this test file, DynamoDB is dynalite, configuration is the environment,
// and the GitHub App's key (mocked Secrets Manager) is accepted by a fake GitHub.
const imageBuilder = mockClient(ImagebuilderClient);
const ssm = mockClient(SSMClient);
const secretsManager = mockClient(SecretsManagerClient);
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:github-app-key-AbC123';

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

async function invoke(event: unknown, remainingMs = 25_000) {
  const result = (await handler(event, lambdaContext(remainingMs), () => undefined)) as APIGatewayProxyResult;
  expectLambdaStatusContract(result);
  return { ...result, json: JSON.parse(result.body) as StatusReport };
}

describe('Lambda handler (API Gateway events)', () => {
  let dynamoDb: LocalDynamoDb;
  let tableName: string;
  let github: FakeGitHub;

  beforeAll(async () => {
    github = await FakeGitHub.start();
    Object.assign(process.env, {
      GITHUB_APP_ID: String(github.app.id),
      PRIVATE_KEY_SECRET_ARN: SECRET_ARN,
      GITHUB_SERVER_URL: github.serverUrl,
    });
    secretsManager
      .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
      .resolves({ SecretString: github.app.pkcs1PrivateKeyPem });
    dynamoDb = await startLocalDynamoDb();
    tableName = await dynamoDb.createStateTable();
    process.env.STATE_TABLE_NAME = tableName;
    await dynamoDb.put(
      tableName,
      amiRecord('linux-x64', { status: 'ready', amiId: 'ami-6a457e0f3aad11725', updatedAt: hoursAgo(5) }),
    );
    await dynamoDb.put(tableName, amiRecord('linux-arm64', { status: 'building', updatedAt: hoursAgo(2) }));
    imageBuilder.on(ListImagePipelinesCommand).resolves({
      imagePipelineList: [
        {
          name: 'spot-runner-linux-arm64',
          arn: 'arn:aws:imagebuilder:eu-west-1:123456789012:image-pipeline/spot-runner-linux-arm64',
        },
      ],
    });
    imageBuilder.on(ListImagePipelineImagesCommand).resolves({
      imageSummaryList: [
        {
          arn: 'arn:aws:imagebuilder:eu-west-1:123456789012:image/spot-runner-linux-arm64/1.0.0/1',
          dateCreated: hoursAgo(1),
        },
      ],
    });
    imageBuilder.on(GetImageCommand).resolves({ image: { state: { status: 'BUILDING' } } });
    ssm.on(GetParameterCommand).resolves({ Parameter: { Type: 'String', Value: '{"ami":"pending"}' } });
    ssm.on(PutParameterCommand).resolves({});
  });

  afterAll(async () => {
    await Promise.all([dynamoDb.stop(), github.close()]);
  });

  it('answers a REST API (v1) GET /status event, reconciling on the first invocation', async () => {
    const response = await invoke(restApiEvent());

    expect(response.statusCode).toBe(200);
    expect(response.multiValueHeaders).toMatchObject({ 'cache-control': ['no-store'] });
    expect(response.json.status).toBe('building');
    expect(response.json.github).toEqual({
      status: 'connected',
      message: 'GitHub App authenticated',
      appSlug: github.app.slug,
      installations: { total: 1, suspended: 0 },
      rateLimit: { remaining: 5000, limit: 5000, resetAt: expect.any(String) },
    });
    expect(response.json.reconciliation.presets).toEqual([
      { name: 'linux-arm64', outcome: 'still-building', cached: false },
    ]);
    expect(imageBuilder).toHaveReceivedCommandTimes(GetImageCommand, 1);
  });

  it('answers an HTTP API (v2) GET /status event from the same container without Image Builder calls', async () => {
    imageBuilder.resetHistory();

    const response = await invoke(httpApiEvent());

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({ 'cache-control': 'no-store' });
    expect(response.json.presets.map((preset) => preset.name)).toEqual(['linux-arm64', 'linux-x64']);
    expect(response.json.reconciliation.presets).toEqual([
      { name: 'linux-arm64', outcome: 'still-building', cached: true },
    ]);
    expect(imageBuilder.calls()).toHaveLength(0);
    expect(secretsManager.calls()).toHaveLength(1);
    // GET /app, the installations, one token and the rate limit, all on the first invocation.
    expect(github.calls).toHaveLength(4);
  });

  it('passes the remaining Lambda time to reconciliation: no time left, no Image Builder call', async () => {
    await dynamoDb.put(tableName, amiRecord('windows-x64', { status: 'building', updatedAt: hoursAgo(3) }));
    imageBuilder.resetHistory();

    const response = await invoke(httpApiEvent(), 1_000);

    expect(response.statusCode).toBe(200);
    expect(response.json.reconciliation.presets).toContainEqual({
      name: 'windows-x64',
      outcome: 'unresolved',
      reason: 'deadline-exceeded',
      cached: false,
    });
    expect(imageBuilder.calls()).toHaveLength(0);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await invoke(httpApiEvent('/admin'));

    expect(response.statusCode).toBe(404);
    expect(response.json).toEqual({ status: 'error', message: 'Not found' });
    expect(response.headers).toMatchObject({ 'x-content-type-options': 'nosniff' });
  });

  it('answers JSON with X-Content-Type-Options: nosniff and no ETag', async () => {
    const response = await invoke(httpApiEvent());

    expect(response.headers).toMatchObject({ 'x-content-type-options': 'nosniff' });
    expect(response.headers).not.toHaveProperty('etag');
  });

  it.each([
    ['If-None-Match: *', { 'if-none-match': '*' }],
    ['an If-None-Match of a guessed ETag', { 'if-none-match': 'W/"1a-abc"' }],
    ['If-Modified-Since', { 'if-modified-since': new Date(Date.now() + 3_600_000).toUTCString() }],
  ])(
    'never turns a no-store answer into a 304, whatever the request says (%s)',
    async (_case, validators) => {
      const event = httpApiEvent();

      const response = await invoke({ ...event, headers: { ...event.headers, ...validators } });

      expect(response.statusCode).toBe(200);
      expect(response.json.presets).toHaveLength(3);
    },
  );
});
