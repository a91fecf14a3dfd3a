import { httpApiEvent } from '../local/lambda/api-gateway-events';
import { invokeInColdProcess } from '../local/lambda/cold-process';
import { imageStateChangeEvent } from '../local/lambda/image-builder-events';
import { LocalAws } from '../local/local-aws';
import { amiRecord } from '../local/local-dynamodb';
import { isolatedBundles } from './support/isolated-bundles';
import { invokeStatusInColdProcess } from './support/status-contract';
import type { StatusReport } from '../src/status/contract/status.schema';

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

/**
 * The production bundles, each copied alone into an empty folder (no node_modules anywhere
 * above it) and run in a cold Node process against the local AWS: what the Lambda gets.
 */
describe('the production bundles (dist/lambda/*/index.js), with no node_modules beside them', () => {
  let localAws: LocalAws;
  let tableName: string;
  let bundles: ReturnType<typeof isolatedBundles>;

  beforeAll(async () => {
    bundles = isolatedBundles();
    localAws = await LocalAws.start();
  });

  afterAll(async () => {
    await localAws.stop();
    bundles.remove();
  });

  beforeEach(async () => {
    localAws.reset();
    tableName = await localAws.dynamoDb.createStateTable();
    await localAws.dynamoDb.put(
      tableName,
      amiRecord('linux-x64', { status: 'ready', amiId: 'ami-6a457e0f3aad11725', updatedAt: hoursAgo(5) }),
    );
    await localAws.dynamoDb.put(
      tableName,
      amiRecord('linux-arm64', { status: 'building', updatedAt: hoursAgo(2) }),
    );
    localAws.fake.imageBuilder.createPipeline('spot-runner-linux-arm64');
    localAws.fake.ssm.setParameter('/spot-runner/configs/linux-arm64', '{"ami":"pending"}');
    localAws.fake.ssm.setParameter('/spot-runner/configs/linux-x64', '{"ami":"ami-6a457e0f3aad11725"}');
  });

  it('the status bundle answers GET /status, heals a stale preset and checks the GitHub App', async () => {
    localAws.fake.imageBuilder.addImage('spot-runner-linux-arm64', {
      status: 'AVAILABLE',
      dateCreated: hoursAgo(1),
      amis: [{ region: localAws.region, image: 'ami-8828bb20318a544aa' }],
    });

    const { results } = await invokeStatusInColdProcess(
      bundles.status,
      httpApiEvent(),
      1,
      localAws.lambdaEnvironment(tableName),
    );

    expect(results[0].statusCode).toBe(200);
    // Express takes the charset from the media types the bundle keeps.
    expect(results[0].headers?.['content-type']).toBe('application/json; charset=utf-8');
    const report = JSON.parse(results[0].body) as StatusReport;
    expect(report.status).toBe('ready');
    // The App JWT is signed inside the bundle, with the key read from the local secret.
    expect(report.github).toEqual({
      status: 'connected',
      message: 'GitHub App authenticated',
      appSlug: localAws.github.app.slug,
      installations: { total: 1, suspended: 0 },
      rateLimit: { remaining: 5000, limit: 5000, resetAt: expect.any(String) },
    });
    // By path: the installations are listed beside GET /app, in either order.
    const calls = localAws.github.calls.map((call) => [call.path, call.answeredWith]);
    expect(calls.sort(([a], [b]) => String(a).localeCompare(String(b)))).toEqual([
      ['/api/v3/app', 200],
      ['/api/v3/app/installations', 200],
      ['/api/v3/app/installations/1000001/access_tokens', 201],
      ['/api/v3/rate_limit', 200],
    ]);
    expect(report.reconciliation.presets).toEqual([
      {
        name: 'linux-arm64',
        outcome: 'corrected',
        from: 'building',
        to: 'ready',
        ssmConfig: 'updated',
        cached: false,
      },
    ]);
  });

  it('the status bundle answers an unknown route with a JSON 404', async () => {
    const { results } = await invokeStatusInColdProcess(
      bundles.status,
      httpApiEvent('/nowhere'),
      1,
      localAws.lambdaEnvironment(tableName),
    );

    expect(results[0].statusCode).toBe(404);
    expect(results[0].headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(results[0].body)).toEqual({ status: 'error', message: 'Not found' });
  });

  it('the events bundle applies an AVAILABLE event', async () => {
    const imageArn = localAws.fake.imageBuilder.addImage('spot-runner-linux-arm64', {
      status: 'AVAILABLE',
      dateCreated: hoursAgo(0.5),
      amis: [{ region: localAws.region, image: 'ami-e5dcbf60e7ce68aeb' }],
    });

    await invokeInColdProcess(
      bundles.events,
      imageStateChangeEvent(imageArn, 'AVAILABLE'),
      1,
      localAws.lambdaEnvironment(tableName),
    );

    expect(await localAws.dynamoDb.get(tableName, 'AMI#linux-arm64')).toMatchObject({
      status: 'ready',
      amiId: 'ami-e5dcbf60e7ce68aeb',
    });
    expect(localAws.fake.ssm.parameter('/spot-runner/configs/linux-arm64')?.value).toBe(
      '{"ami":"ami-e5dcbf60e7ce68aeb"}',
    );
  });
});
