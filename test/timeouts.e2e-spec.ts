import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { imageStateChangeEvent } from '../local/lambda/image-builder-events';
import { LocalAws } from '../local/local-aws';
import { amiRecord } from '../local/local-dynamodb';
import { AmiEventService } from '../src/ami-events/ami-event.service';
import { EventsAppModule } from '../src/events-app.module';
import { clientSettings } from '../src/aws/aws-clients';
import { handler as eventsHandler } from '../src/main.events';
import { testConfig } from '../src/testing/test-config';
import { imageArn } from '../src/testing/image.fixture';
import { startStatusApp } from './support/status-app';
import { getChecked } from './support/status-contract';
import { compileWithTestConfig } from './support/testing-module';

/** A server that takes every request and never answers: a hung AWS endpoint. */
async function startBlackHole(): Promise<{ server: Server; endpoint: string; received: () => number }> {
  let received = 0;
  const server = createServer(() => void received++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => received,
  };
}

describe('every AWS call really times out', () => {
  // One per test: a request a test gave up on may still arrive after it ended.
  let blackHole: Awaited<ReturnType<typeof startBlackHole>>;
  const saved = { ...process.env };

  beforeEach(async () => {
    blackHole = await startBlackHole();
  });

  afterEach(async () => {
    process.env = { ...saved };
    blackHole.server.closeAllConnections();
    await new Promise((resolve) => blackHole.server.close(resolve));
  });

  it('turns a request that exceeds requestTimeout into an error, not a warning', () => {
    expect(clientSettings(testConfig()).requestHandler).toEqual({
      connectionTimeout: 3_000,
      requestTimeout: 10_000,
      throwOnRequestTimeout: true,
    });
  });

  it('answers the 503 JSON within the budget when the DynamoDB read hangs', async () => {
    // Prepare
    process.env.AWS_ENDPOINT_URL_DYNAMODB = blackHole.endpoint;
    const statusApp = await startStatusApp({ reconciliationBudgetMs: 1_000 }, new Date());

    // Act
    const response = await getChecked(statusApp.app);
    await statusApp.app.close();

    // Assess
    expect(blackHole.received()).toBeGreaterThan(0);
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ status: 'error', message: 'AMI state is temporarily unavailable' });
  });

  it('fails an event as retryable at its own deadline when GetImage hangs, before Lambda would kill it', async () => {
    // Prepare: the handler's own application, from the environment, with Image Builder hung.
    Object.assign(process.env, {
      STATE_TABLE_NAME: 'spot-runner-state',
      AWS_ENDPOINT_URL_IMAGEBUILDER: blackHole.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: blackHole.endpoint,
    });
    const event = imageStateChangeEvent(imageArn('linux-x64', 1), 'AVAILABLE');

    // Act: 2.3 s left, minus the 2 s margin.
    const outcome = eventsHandler(event, { getRemainingTimeInMillis: () => 2_300 });

    // Assess
    await expect(outcome).rejects.toThrow('AMI event not handled before the invocation deadline');
    await expect(outcome).rejects.toMatchObject({ name: 'RetryableAmiEventError' });
    expect(blackHole.received()).toBe(1);
  });

  it('fails an event as retryable at its deadline when the DynamoDB GetItem hangs, and writes nothing', async () => {
    // Prepare: real DynamoDB (dynalite) behind the fault proxy, which never answers GetItem.
    const localAws = await LocalAws.start();
    Object.assign(process.env, localAws.environment());
    const presetPipeline = 'spot-runner-linux-x64';
    localAws.fake.imageBuilder.createPipeline(presetPipeline);
    const arn = localAws.fake.imageBuilder.addImage(presetPipeline, {
      status: 'AVAILABLE',
      dateCreated: '2026-11-23T11:00:00.000Z',
      amis: [{ region: localAws.region, image: 'ami-0123456789abcdef0' }],
    });
    await localAws.putItem(
      amiRecord('linux-x64', { status: 'building', updatedAt: '2026-11-23T10:00:00.000Z' }),
    );
    localAws.dynamoDbFaults.hold('GetItem');
    const events = await compileWithTestConfig(EventsAppModule, {}, new Date('2026-11-23T12:00:00.000Z'));
    events.useLogger(false);
    await events.init();

    // Act
    const outcome = events
      .get(AmiEventService)
      .handle(imageStateChangeEvent(arn, 'AVAILABLE'), AbortSignal.timeout(300));

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'RetryableAmiEventError' });
    await events.close();
    await localAws.dynamoDbFaults.idle();
    expect(localAws.dynamoDbFaults.callsTo('GetItem')).toHaveLength(1);
    expect(localAws.dynamoDbFaults.callsTo('UpdateItem')).toHaveLength(0);
    expect(await localAws.getItem('AMI#linux-x64')).toMatchObject({ status: 'building' });
    await localAws.stop();
  });
});
