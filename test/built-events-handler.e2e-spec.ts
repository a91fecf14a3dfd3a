import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { imageStateChangeEvent } from '../local/lambda/image-builder-events';
import { invokeInColdProcess } from '../local/lambda/cold-process';
import { LocalAws } from '../local/local-aws';
import { amiRecord } from '../local/local-dynamodb';

const BUILT_HANDLER = resolve(__dirname, '../dist/main.events.js');
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

describe('the built AMI update handler (dist/main.events.js) in a cold Node process, over the wire', () => {
  let localAws: LocalAws;
  let tableName: string;
  let imageArn: string;

  beforeAll(async () => {
    if (!existsSync(BUILT_HANDLER))
      throw new Error(`${BUILT_HANDLER} is missing: run npm run build (npm test does)`);
    localAws = await LocalAws.start();
  });

  afterAll(async () => {
    await localAws.stop();
  });

  beforeEach(async () => {
    localAws.reset();
    tableName = await localAws.dynamoDb.createStateTable();
    await localAws.dynamoDb.put(
      tableName,
      amiRecord('linux-arm64', { status: 'building', updatedAt: hoursAgo(1) }),
    );
    localAws.fake.imageBuilder.createPipeline('spot-runner-linux-arm64');
    imageArn = localAws.fake.imageBuilder.addImage('spot-runner-linux-arm64', {
      status: 'AVAILABLE',
      dateCreated: hoursAgo(0.5),
      amis: [{ region: localAws.region, image: 'ami-8828bb20318a544aa' }],
    });
    localAws.fake.ssm.setParameter(
      '/spot-runner/configs/linux-arm64',
      '{"ami":"pending","platform":"linux"}',
    );
  });

  const invoke = (event: unknown) =>
    invokeInColdProcess(BUILT_HANDLER, event, 1, localAws.lambdaEnvironment(tableName));

  it('an AVAILABLE event sets the preset ready and its SSM runner config', async () => {
    await invoke(imageStateChangeEvent(imageArn, 'AVAILABLE', 'DISTRIBUTING'));

    expect(await localAws.dynamoDb.get(tableName, 'AMI#linux-arm64')).toMatchObject({
      status: 'ready',
      amiId: 'ami-8828bb20318a544aa',
      buildId: imageArn,
    });
    expect(localAws.fake.ssm.parameter('/spot-runner/configs/linux-arm64')?.value).toBe(
      '{"ami":"ami-8828bb20318a544aa","platform":"linux"}',
    );
  });

  it('returns normally for a malformed event, so it is not retried', async () => {
    await expect(
      invoke({ source: 'aws.imagebuilder', 'detail-type': 'Something else' }),
    ).resolves.toBeDefined();

    expect(localAws.fake.calls).toHaveLength(0);
  });

  it('fails the invocation when Image Builder keeps failing, so EventBridge retries it', async () => {
    localAws.fake.failAlways('imagebuilder');

    await expect(invoke(imageStateChangeEvent(imageArn, 'AVAILABLE'))).rejects.toThrow(/ServiceException/);
    expect(await localAws.dynamoDb.get(tableName, 'AMI#linux-arm64')).toMatchObject({ status: 'building' });
  });
});
