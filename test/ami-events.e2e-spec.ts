import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  GetImageCommand,
  Image,
  ImageStatus,
  ResourceNotFoundException,
  ServiceException,
} from '@aws-sdk/client-imagebuilder';
import {
  GetParameterCommand,
  InternalServerError,
  PutParameterCommand,
  SSMServiceException,
} from '@aws-sdk/client-ssm';
import { imageStateChangeEvent } from '../local/lambda/image-builder-events';
import type { StatusReport } from '../src/status/contract/status.schema';
import { PENDING_RUNNER_CONFIG } from '../src/testing/runner-config.fixture';
import { EventsApp, startEventsApp } from './support/events-app';
import { anImage, imageArn } from '../src/testing/image.fixture';
import { amiRecord, LocalDynamoDb, startLocalDynamoDb } from './support/local-dynamodb';
import { startStatusApp } from './support/status-app';
import { getChecked } from './support/status-contract';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const PARAMETER = '/spot-runner/configs/linux-x64';

/** An image of the linux-x64 pipeline, as GetImage describes it (the shared builder). */
function image(build: number, status: string, createdMinutesAgo: number, fields: Partial<Image> = {}): Image {
  return anImage(
    {
      build,
      status: status as ImageStatus,
      amiId: `ami-${String(build).padStart(17, 'b')}`,
      dateCreated: minutesAgo(createdMinutesAgo),
    },
    fields,
  );
}

describe('AMI update events (e2e, DynamoDB on dynalite)', () => {
  let dynamoDb: LocalDynamoDb;
  let tableName: string;
  let app: EventsApp;
  let ssmValue: string;

  beforeAll(async () => {
    dynamoDb = await startLocalDynamoDb();
  });

  afterAll(async () => {
    await dynamoDb.stop();
  });

  beforeEach(async () => {
    tableName = await dynamoDb.createStateTable();
    app = await startEventsApp({ stateTableName: tableName }, NOW);
    await dynamoDb.put(tableName, amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(20) }));
    // The runner config as SSM holds it; PutParameter writes it back.
    ssmValue = JSON.stringify(PENDING_RUNNER_CONFIG);
    app.ssm
      .on(GetParameterCommand)
      .callsFake(() => ({ Parameter: { Name: PARAMETER, Type: 'String', Value: ssmValue } }));
    app.ssm.on(PutParameterCommand).callsFake(writeRunnerConfig);
  });

  function writeRunnerConfig(input: { Value: string }) {
    ssmValue = input.Value;
    return { Version: 2 };
  }

  /** PutParameter fails once with a 500, then writes. */
  function failingOnceThenWriting() {
    let failed = false;
    return (input: { Value: string }) => {
      if (failed) return writeRunnerConfig(input);
      failed = true;
      throw new InternalServerError({ message: 'boom', $metadata: {} });
    };
  }

  afterEach(async () => {
    await app.moduleRef.close();
  });

  const stored = () => dynamoDb.get(tableName, 'AMI#linux-x64');
  const ssmAmi = () => (JSON.parse(ssmValue) as { ami: string }).ami;
  const givenImages = (...images: Image[]) => {
    for (const described of images) {
      app.imageBuilder
        .on(GetImageCommand, { imageBuildVersionArn: described.arn })
        .resolves({ image: described });
    }
  };

  it('an AVAILABLE event sets the record ready with the AMI, then the SSM config, and clears the mark', async () => {
    // Prepare
    givenImages(image(3, 'AVAILABLE', 30));

    // Act
    const outcome = await app.events.handle(
      imageStateChangeEvent(imageArn('linux-x64', 3), 'AVAILABLE', 'DISTRIBUTING'),
    );

    // Assess
    expect(outcome).toEqual({ kind: 'applied', preset: 'linux-x64', to: 'ready' });
    expect(await stored()).toEqual({
      jobId: 'AMI#linux-x64',
      recordType: 'AMI',
      presetName: 'linux-x64',
      status: 'ready',
      amiId: 'ami-bbbbbbbbbbbbbbbb3',
      buildId: imageArn('linux-x64', 3),
      imageCreatedAt: minutesAgo(30),
      updatedAt: NOW.toISOString(),
    });
    expect(JSON.parse(ssmValue)).toEqual({ ...PENDING_RUNNER_CONFIG, ami: 'ami-bbbbbbbbbbbbbbbb3' });
  });

  it('a FAILED event sets the record failed with the reason, keeps its AMI and leaves SSM alone', async () => {
    await dynamoDb.put(
      tableName,
      amiRecord('linux-x64', {
        status: 'building',
        amiId: 'ami-b5259454d72852ec9',
        updatedAt: minutesAgo(20),
      }),
    );
    givenImages(image(4, 'FAILED', 30, { state: { status: 'FAILED', reason: 'Test step failed' } }));

    const outcome = await app.events.handle(imageStateChangeEvent(imageArn('linux-x64', 4), 'FAILED'));

    expect(outcome).toEqual({ kind: 'applied', preset: 'linux-x64', to: 'failed' });
    expect(await stored()).toMatchObject({
      status: 'failed',
      amiId: 'ami-b5259454d72852ec9',
      errorMessage: 'Test step failed',
    });
    expect(app.ssm.calls()).toHaveLength(0);
  });

  it('the same event twice changes nothing the second time: no new write, no new SSM version', async () => {
    // Prepare
    givenImages(image(3, 'AVAILABLE', 30));
    const event = imageStateChangeEvent(imageArn('linux-x64', 3), 'AVAILABLE');
    await app.events.handle(event);
    const afterFirst = await stored();

    // Act
    const outcome = await app.events.handle(event);

    // Assess
    expect(outcome).toEqual({ kind: 'ignored', reason: 'no-newer-image', preset: 'linux-x64' });
    expect(await stored()).toEqual(afterFirst);
    expect(app.ssm).toHaveReceivedCommandTimes(PutParameterCommand, 1);
  });

  it('a FAILED event of an older build after the AVAILABLE event of a newer one is not applied', async () => {
    // Prepare
    givenImages(image(5, 'AVAILABLE', 30), image(4, 'FAILED', 90));
    await app.events.handle(imageStateChangeEvent(imageArn('linux-x64', 5), 'AVAILABLE'));

    // Act
    const outcome = await app.events.handle(imageStateChangeEvent(imageArn('linux-x64', 4), 'FAILED'));

    // Assess
    expect(outcome).toMatchObject({ kind: 'ignored', reason: 'no-newer-image' });
    expect(await stored()).toMatchObject({
      status: 'ready',
      amiId: 'ami-bbbbbbbbbbbbbbbb5',
      imageCreatedAt: minutesAgo(30),
    });
  });

  describe('an imageCreatedAt another writer stored with an offset is compared as an instant', () => {
    async function givenStoredImageCreatedAt(imageCreatedAt: string) {
      await dynamoDb.put(tableName, {
        ...amiRecord('linux-x64', {
          status: 'ready',
          amiId: 'ami-00000000000000001',
          updatedAt: minutesAgo(60),
        }),
        imageCreatedAt,
      });
    }

    it('applies an image newer by instant, though older as text, and stores its time normalised', async () => {
      // Prepare: 11:00+02:00 is 09:00Z, an hour before the image (10:00Z); as text it sorts after.
      await givenStoredImageCreatedAt('2026-11-23T11:00:00+02:00');
      givenImages(image(7, 'AVAILABLE', 120));

      // Act
      const outcome = await app.events.handle(imageStateChangeEvent(imageArn('linux-x64', 7), 'AVAILABLE'));

      // Assess
      expect(outcome).toEqual({ kind: 'applied', preset: 'linux-x64', to: 'ready' });
      expect(await stored()).toMatchObject({
        amiId: 'ami-bbbbbbbbbbbbbbbb7',
        imageCreatedAt: minutesAgo(120),
      });
    });

    it('refuses an image older by instant, though newer as text', async () => {
      // Prepare: 08:30-02:00 is 10:30Z, after the image (10:00Z); as text it sorts before.
      await givenStoredImageCreatedAt('2026-11-23T08:30:00-02:00');
      givenImages(image(8, 'FAILED', 120));

      // Act
      const outcome = await app.events.handle(imageStateChangeEvent(imageArn('linux-x64', 8), 'FAILED'));

      // Assess
      expect(outcome).toMatchObject({ kind: 'ignored', reason: 'no-newer-image' });
      expect(await stored()).toMatchObject({ status: 'ready', imageCreatedAt: '2026-11-23T08:30:00-02:00' });
    });
  });

  it('ignores an image from a pipeline that is not a preset pipeline', async () => {
    const before = await stored();
    givenImages(image(6, 'AVAILABLE', 30, { sourcePipelineName: 'team-x-golden-image' }));

    const outcome = await app.events.handle(imageStateChangeEvent(imageArn('linux-x64', 6), 'AVAILABLE'));

    expect(outcome).toEqual({ kind: 'ignored', reason: 'foreign-pipeline' });
    expect(await stored()).toEqual(before);
    expect(app.ssm.calls()).toHaveLength(0);
  });

  it('ignores an image of a preset that has no AMI record', async () => {
    givenImages(image(7, 'AVAILABLE', 30, { sourcePipelineName: 'spot-runner-macos-arm64' }));

    const outcome = await app.events.handle(imageStateChangeEvent(imageArn('linux-x64', 7), 'AVAILABLE'));

    expect(outcome).toEqual({ kind: 'ignored', reason: 'no-ami-record', preset: 'macos-arm64' });
    expect(await dynamoDb.get(tableName, 'AMI#macos-arm64')).toBeUndefined();
  });

  it.each([
    [
      'from another source',
      { ...imageStateChangeEvent(imageArn('linux-x64', 3), 'AVAILABLE'), source: 'aws.ec2' },
    ],
    [
      'without an image ARN',
      { ...imageStateChangeEvent(imageArn('linux-x64', 3), 'AVAILABLE'), resources: [] },
    ],
    ['with an unknown state', imageStateChangeEvent(imageArn('linux-x64', 3), 'SUPERSEDED')],
    ['that is not an object', 'AVAILABLE'],
  ])('drops a malformed event (%s): logged, nothing written, no retry', async (_, event) => {
    const before = await stored();

    const outcome = await app.events.handle(event);

    expect(outcome).toMatchObject({ kind: 'ignored' });
    expect(await stored()).toEqual(before);
    expect(app.imageBuilder.calls()).toHaveLength(0);
  });

  it('drops an event whose image does not exist', async () => {
    app.imageBuilder
      .on(GetImageCommand)
      .rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));

    const outcome = await app.events.handle(imageStateChangeEvent(imageArn('linux-x64', 9), 'AVAILABLE'));

    expect(outcome).toEqual({ kind: 'ignored', reason: 'image-not-found' });
  });

  it('throws on a transient Image Builder error, so EventBridge retries the event', async () => {
    app.imageBuilder
      .on(GetImageCommand)
      .rejects(new ServiceException({ message: 'Internal failure', $metadata: { httpStatusCode: 500 } }));

    await expect(
      app.events.handle(imageStateChangeEvent(imageArn('linux-x64', 3), 'AVAILABLE')),
    ).rejects.toBeInstanceOf(ServiceException);
    expect(await stored()).toMatchObject({ status: 'building' });
  });

  it('resolves an event whose SSM write SSM refuses for good (the value too large), keeping the mark for /status', async () => {
    // Prepare
    givenImages(image(3, 'AVAILABLE', 30));
    app.ssm.on(PutParameterCommand).rejects(
      new SSMServiceException({
        name: 'ValidationException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'Standard tier parameters support a maximum parameter value of 4096 characters.',
      }),
    );

    // Act
    const outcome = await app.events.handle(imageStateChangeEvent(imageArn('linux-x64', 3), 'AVAILABLE'));

    // Assess: not retried (a retry gets the same answer); the record says the config is behind.
    expect(outcome).toEqual({ kind: 'applied', preset: 'linux-x64', to: 'ready' });
    expect(await stored()).toMatchObject({ status: 'ready', ssmPendingAmiId: 'ami-bbbbbbbbbbbbbbbb3' });
    expect(ssmAmi()).toBe('pending');
  });

  it('marks the record pending again when a newer AMI replaced ours while our SSM write was on its way', async () => {
    // Prepare: a writer for a newer image finishes (record and config) during our PutParameter.
    givenImages(image(3, 'AVAILABLE', 30));
    const newer = {
      ...amiRecord('linux-x64', {
        status: 'ready',
        amiId: 'ami-6dbab113362054854',
        updatedAt: minutesAgo(0),
      }),
      imageCreatedAt: minutesAgo(10),
    };
    app.ssm.on(PutParameterCommand).callsFake(async (input: { Value: string }) => {
      await dynamoDb.put(tableName, newer);
      return writeRunnerConfig(input);
    });

    // Act
    await app.events.handle(imageStateChangeEvent(imageArn('linux-x64', 3), 'AVAILABLE'));

    // Assess: our older AMI reached SSM last, so the record asks for the newer one again.
    expect(ssmAmi()).toBe('ami-bbbbbbbbbbbbbbbb3');
    expect(await stored()).toEqual({
      ...newer,
      ssmPendingAmiId: 'ami-6dbab113362054854',
      ssmPendingToken: expect.any(String),
    });
  });

  it('a writer’s clear never removes the mark another writer set for the same AMI', async () => {
    // Prepare: two events at once, for builds 2 and 3. Both read the record while it is
    // building; writer 1 marks it ready with AMI 2, writer 2 with AMI 3; writer 2's SSM write
    // lands first and writer 1's last; writer 1 sees AMI 3 in the record and marks it pending
    // for AMI 3 again; only then does writer 2 clear "its" mark, also pending for AMI 3.
    const [ami2, ami3] = ['ami-bbbbbbbbbbbbbbbb2', 'ami-bbbbbbbbbbbbbbbb3'];
    givenImages(image(2, 'AVAILABLE', 40), image(3, 'AVAILABLE', 30));
    const step = {
      bothRead: deferred(),
      ami2Marked: deferred(),
      ami3Landed: deferred(),
      writer1Done: deferred(),
    };
    let reads = 0;
    const documentClient = app.moduleRef.get(DynamoDBDocumentClient, { strict: false });
    documentClient.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as {
          UpdateExpression?: string;
          ExpressionAttributeValues?: Record<string, unknown>;
        };
        const marksReady = input.UpdateExpression?.startsWith('SET #status = :status, amiId');
        // The document client's commands run on its DynamoDB client's stack, under their names.
        if (context.commandName === 'GetItemCommand' && ++reads === 2) step.bothRead.resolve();
        if (marksReady && input.ExpressionAttributeValues?.[':amiId'] === ami2) await step.bothRead.promise;
        if (marksReady && input.ExpressionAttributeValues?.[':amiId'] === ami3) await step.ami2Marked.promise;
        const result = await next(args);
        if (marksReady && input.ExpressionAttributeValues?.[':amiId'] === ami2) step.ami2Marked.resolve();
        return result;
      },
      { step: 'initialize', name: 'interleaveWriters' },
    );
    app.ssm.on(PutParameterCommand).callsFake(async (input: { Value: string }) => {
      const { ami } = JSON.parse(input.Value) as { ami: string };
      if (ami === ami3) {
        const written = writeRunnerConfig(input);
        step.ami3Landed.resolve();
        await step.writer1Done.promise; // its answer comes back only after writer 1 is done
        return written;
      }
      await step.ami3Landed.promise;
      return writeRunnerConfig(input);
    });

    // Act
    const writer1 = app.events.handle(imageStateChangeEvent(imageArn('linux-x64', 2), 'AVAILABLE'));
    const writer2 = app.events.handle(imageStateChangeEvent(imageArn('linux-x64', 3), 'AVAILABLE'));
    await writer1;
    step.writer1Done.resolve();
    await writer2;

    // Assess: SSM holds AMI 2, behind the record, and the record still says so.
    expect(ssmAmi()).toBe(ami2);
    expect(await stored()).toMatchObject({ status: 'ready', amiId: ami3, ssmPendingAmiId: ami3 });

    // …so the next event (or GET /status) brings the runner config to AMI 3.
    await app.events.handle(imageStateChangeEvent(imageArn('linux-x64', 3), 'AVAILABLE'));
    expect(ssmAmi()).toBe(ami3);
    expect(await stored()).not.toHaveProperty('ssmPendingAmiId');
  });

  describe('an SSM failure after the DynamoDB write', () => {
    beforeEach(async () => {
      givenImages(image(3, 'AVAILABLE', 30));
      app.ssm.on(PutParameterCommand).callsFake(failingOnceThenWriting());
      await expect(
        app.events.handle(imageStateChangeEvent(imageArn('linux-x64', 3), 'AVAILABLE')),
      ).rejects.toThrow('not updated yet');
    });

    it('leaves the record ready with the SSM update marked pending', async () => {
      expect(await stored()).toMatchObject({
        status: 'ready',
        amiId: 'ami-bbbbbbbbbbbbbbbb3',
        ssmPendingAmiId: 'ami-bbbbbbbbbbbbbbbb3',
      });
      expect(ssmAmi()).toBe('pending');
    });

    it('is healed by the next event for the preset (here EventBridge retrying the same one)', async () => {
      const outcome = await app.events.handle(imageStateChangeEvent(imageArn('linux-x64', 3), 'AVAILABLE'));

      expect(outcome).toMatchObject({ kind: 'ignored', reason: 'no-newer-image' });
      expect(ssmAmi()).toBe('ami-bbbbbbbbbbbbbbbb3');
      expect(await stored()).not.toHaveProperty('ssmPendingAmiId');
    });

    it('is healed by the next GET /status, which reports the preset pending until then', async () => {
      // Prepare: the status service's own clients; SSM fails once more, then works.
      const status = await startStatusApp({ stateTableName: tableName }, NOW);
      status.ssm
        .on(GetParameterCommand)
        .callsFake(() => ({ Parameter: { Name: PARAMETER, Type: 'String', Value: ssmValue } }));
      status.ssm.on(PutParameterCommand).callsFake(failingOnceThenWriting());
      const getStatus = async () => (await getChecked(status.app).expect(200)).body as StatusReport;

      try {
        // Act
        const stillPending = await getStatus();
        const healed = await getStatus();

        // Assess
        expect(stillPending.status).toBe('degraded');
        expect(stillPending.presets[0]).toMatchObject({ name: 'linux-x64', runnerConfigPending: true });
        expect(stillPending.reconciliation.presets).toEqual([
          {
            name: 'linux-x64',
            outcome: 'unresolved',
            reason: 'ssm-update-pending',
            ssmConfig: 'ssm-update-failed',
            cached: false,
          },
        ]);
        expect(healed.status).toBe('ready');
        expect(healed.presets[0]).not.toHaveProperty('runnerConfigPending');
        expect(healed.reconciliation.presets).toEqual([
          { name: 'linux-x64', outcome: 'ssm-update-completed', ssmConfig: 'updated', cached: false },
        ]);
        expect(ssmAmi()).toBe('ami-bbbbbbbbbbbbbbbb3');
        expect(await stored()).not.toHaveProperty('ssmPendingAmiId');
      } finally {
        await status.app.close();
      }
    });
  });
});

/** A promise a test resolves when it means to. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
