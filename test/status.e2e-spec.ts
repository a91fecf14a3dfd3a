import {
  GetImageCommand,
  Image,
  ImageStatus,
  ListImagePipelineImagesCommand,
  ListImagePipelinesCommand,
  ServiceException,
} from '@aws-sdk/client-imagebuilder';
import { GetParameterCommand, ParameterNotFound, PutParameterCommand } from '@aws-sdk/client-ssm';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Response } from 'supertest';
import {
  ACCOUNT_ID,
  availableImage,
  givenImages,
  givenPipelines,
  givenRunnerConfig,
  imageArn,
  pipelineArn,
  RUNNER_CONFIG,
  writtenAmis,
} from './support/image-builder-fixtures';
import type { StatusReport } from '../src/status/contract/status.schema';
import { amiRecord, LocalDynamoDb, startLocalDynamoDb } from './support/local-dynamodb';
import { StatusApp, startStatusApp } from './support/status-app';
import { getChecked } from './support/status-contract';
import { CONNECTED_GITHUB } from '../src/testing/github-readiness.fixture';

/**
 * What the response says besides the AMIs in these tests: the GitHub App connected (see
 * startStatusApp), and no job records (test/runner-activity.e2e-spec.ts counts them).
 */
const BESIDE_THE_AMIS = {
  configuration: { privateKeyConfigured: true },
  github: CONNECTED_GITHUB.github,
  runners: { pending: 0, provisioning: 0, running: 0 },
  recentActivity: {
    lastHour: { completed: 0, failed: 0, timeout: 0, interrupted: 0 },
    last24Hours: { completed: 0, failed: 0, timeout: 0, interrupted: 0 },
  },
};

const NOW = new Date('2026-11-23T12:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

describe('GET /status (e2e, DynamoDB on dynalite)', () => {
  let dynamoDb: LocalDynamoDb;
  let tableName: string;
  let statusApp: StatusApp;

  beforeAll(async () => {
    dynamoDb = await startLocalDynamoDb();
  });

  afterAll(async () => {
    await dynamoDb.stop();
  });

  beforeEach(async () => {
    tableName = await dynamoDb.createStateTable();
    statusApp = await startStatusApp({ stateTableName: tableName }, NOW);
  });

  afterEach(async () => {
    await statusApp.app.close();
  });

  const getStatus = () => getChecked(statusApp.app);
  const seed = (...items: Record<string, unknown>[]) =>
    Promise.all(items.map((item) => dynamoDb.put(tableName, item)));
  const stored = (presetName: string) => dynamoDb.get(tableName, `AMI#${presetName}`);

  describe('Requirement: stale building states are detected by age threshold', () => {
    it('Record is stale: building for more than 30 minutes is reconciled', async () => {
      // Prepare
      await seed(amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(31) }));
      givenPipelines(statusApp, 'linux-x64');
      givenImages(statusApp, 'linux-x64', [{ arn: imageArn('linux-x64', 1), state: { status: 'BUILDING' } }]);

      // Act
      const response = await getStatus().expect(200);

      // Assess
      expect(statusApp.imageBuilder).toHaveReceivedCommand(ListImagePipelinesCommand);
      expect(response.body.reconciliation.presets).toEqual([
        { name: 'linux-x64', outcome: 'still-building', cached: false },
      ]);
    });

    it('Record is not stale: building for less than 30 minutes is reported as-is', async () => {
      await seed(amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(29) }));

      const response = await getStatus().expect(200);

      expect(statusApp.imageBuilder.calls()).toHaveLength(0);
      expect(response.body).toEqual({
        ...BESIDE_THE_AMIS,
        status: 'building',
        message: '1 preset building',
        presets: [{ name: 'linux-x64', status: 'building', amiId: null, updatedAt: minutesAgo(29) }],
        reconciliation: { presets: [] },
      });
    });

    it('Non-building records are ignored: ready and failed are never reconciled, however old', async () => {
      await seed(
        amiRecord('linux-x64', {
          status: 'ready',
          amiId: 'ami-44349a6d02f99b214',
          updatedAt: '2025-01-01T00:00:00.000Z',
        }),
        amiRecord('linux-arm64', { status: 'failed', updatedAt: '2025-01-01T00:00:00.000Z' }),
      );

      const response = await getStatus().expect(200);

      expect(statusApp.imageBuilder.calls()).toHaveLength(0);
      expect(response.body.status).toBe('degraded');
      expect(response.body.message).toBe('1 preset ready, 1 preset failed');
    });
  });

  describe('Requirement: stale records are reconciled against Image Builder', () => {
    it('Pipeline lookup by name: the pipeline named spot-runner-<preset> is looked up', async () => {
      await seed(amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) }));
      givenPipelines(statusApp, 'linux-x64');
      givenImages(statusApp, 'linux-x64', [{ arn: imageArn('linux-x64', 1), state: { status: 'BUILDING' } }]);

      await getStatus().expect(200);

      expect(statusApp.imageBuilder).toHaveReceivedCommandWith(ListImagePipelinesCommand, {
        filters: [{ name: 'name', values: ['spot-runner-linux-x64'] }],
      });
      expect(statusApp.imageBuilder).toHaveReceivedCommandWith(ListImagePipelineImagesCommand, {
        imagePipelineArn: pipelineArn('linux-x64'),
      });
    });

    it('Latest image from pipeline: the most recent image decides, over several pages in shuffled order', async () => {
      // Prepare
      await seed(amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) }));
      givenPipelines(statusApp, 'linux-x64');
      givenRunnerConfig(statusApp);
      const newest = availableImage('linux-x64', 7, 'ami-73624af2d655047be', '2026-11-23T11:00:00.000Z');
      const older = (build: number, day: number) =>
        availableImage(
          'linux-x64',
          build,
          `ami-${String(build).padStart(17, '0')}`,
          `2026-11-${String(day).padStart(2, '0')}T08:00:00.000Z`,
        );
      statusApp.imageBuilder
        .on(ListImagePipelineImagesCommand)
        .resolvesOnce({ imageSummaryList: [older(3, 12), older(5, 20)], nextToken: 'p2' })
        .resolvesOnce({ imageSummaryList: [newest, older(1, 2)], nextToken: 'p3' })
        .resolvesOnce({ imageSummaryList: [older(6, 21)] });
      statusApp.imageBuilder
        .on(GetImageCommand, { imageBuildVersionArn: newest.arn })
        .resolves({ image: newest });

      // Act
      const response = await getStatus().expect(200);

      // Assess
      expect(statusApp.imageBuilder).toHaveReceivedCommandTimes(ListImagePipelineImagesCommand, 3);
      expect(statusApp.imageBuilder).toHaveReceivedCommandTimes(GetImageCommand, 1);
      expect(response.body.presets[0]).toMatchObject({ status: 'ready', amiId: 'ami-73624af2d655047be' });
    });

    it('Pipeline not found: the preset status remains unchanged and a warning is logged', async () => {
      // Prepare
      const record = amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) });
      await seed(record);
      givenPipelines(statusApp, 'windows-x64');
      const warn = jest.spyOn(statusApp.logger, 'warn');

      // Act
      const response = await getStatus().expect(200);

      // Assess
      expect(await stored('linux-x64')).toEqual(record);
      expect(response.body.presets).toEqual([
        { name: 'linux-x64', status: 'building', amiId: null, updatedAt: minutesAgo(120) },
      ]);
      expect(response.body.reconciliation.presets).toEqual([
        { name: 'linux-x64', outcome: 'unresolved', reason: 'pipeline-not-found', cached: false },
      ]);
      expect(warn).toHaveBeenCalledWith(
        expect.any(String),
        expect.objectContaining({ preset: 'linux-x64', outcome: 'pipeline-not-found' }),
      );
    });
  });

  describe('Requirement: reconciliation corrects DynamoDB and SSM for completed builds', () => {
    it('Build completed successfully: DynamoDB set ready with the AMI, SSM config updated', async () => {
      // Prepare
      await seed(amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) }));
      givenPipelines(statusApp, 'linux-x64');
      givenImages(statusApp, 'linux-x64', [
        availableImage('linux-x64', 2, 'ami-0915be09108b54f84', minutesAgo(90)),
      ]);
      givenRunnerConfig(statusApp);

      // Act
      const response = await getStatus().expect(200);

      // Assess
      expect(await stored('linux-x64')).toEqual({
        jobId: 'AMI#linux-x64',
        recordType: 'AMI',
        presetName: 'linux-x64',
        status: 'ready',
        amiId: 'ami-0915be09108b54f84',
        buildId: imageArn('linux-x64', 2),
        imageCreatedAt: minutesAgo(90),
        updatedAt: NOW.toISOString(),
      });
      const put = statusApp.ssm.commandCalls(PutParameterCommand)[0].args[0].input;
      expect(put).toMatchObject({ Name: '/spot-runner/configs/linux-x64', Type: 'String', Overwrite: true });
      expect(JSON.parse(put.Value!)).toEqual({ ...RUNNER_CONFIG, ami: 'ami-0915be09108b54f84' });
      expect(response.body).toEqual({
        ...BESIDE_THE_AMIS,
        status: 'ready',
        message: '1 preset ready',
        presets: [
          {
            name: 'linux-x64',
            status: 'ready',
            amiId: 'ami-0915be09108b54f84',
            updatedAt: NOW.toISOString(),
          },
        ],
        reconciliation: {
          presets: [
            {
              name: 'linux-x64',
              outcome: 'corrected',
              from: 'building',
              to: 'ready',
              ssmConfig: 'updated',
              cached: false,
            },
          ],
        },
      });
    });

    it('Build failed: DynamoDB set failed with the reason, SSM not modified', async () => {
      // Prepare
      await seed(
        amiRecord('linux-x64', {
          status: 'building',
          updatedAt: minutesAgo(120),
          amiId: 'ami-b5259454d72852ec9',
        }),
      );
      givenPipelines(statusApp, 'linux-x64');
      givenImages(statusApp, 'linux-x64', [
        {
          arn: imageArn('linux-x64', 4),
          dateCreated: minutesAgo(100),
          state: { status: 'FAILED', reason: 'Test phase failed' },
        },
      ]);

      // Act
      const response = await getStatus().expect(200);

      // Assess
      expect(await stored('linux-x64')).toMatchObject({
        status: 'failed',
        amiId: 'ami-b5259454d72852ec9',
        buildId: imageArn('linux-x64', 4),
        errorMessage: 'Test phase failed',
        updatedAt: NOW.toISOString(),
      });
      expect(statusApp.ssm.calls()).toHaveLength(0);
      expect(response.body.status).toBe('degraded');
      expect(response.body.presets[0]).toMatchObject({ status: 'failed' });
      expect(JSON.stringify(response.body)).not.toContain('Test phase failed');
    });

    it('Build failed: a CANCELLED image sets the record failed too', async () => {
      await seed(amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) }));
      givenPipelines(statusApp, 'linux-x64');
      givenImages(statusApp, 'linux-x64', [
        { arn: imageArn('linux-x64', 4), dateCreated: minutesAgo(100), state: { status: 'CANCELLED' } },
      ]);

      await getStatus().expect(200);

      expect(await stored('linux-x64')).toMatchObject({
        status: 'failed',
        errorMessage: 'Image build cancelled',
      });
      expect(statusApp.ssm.calls()).toHaveLength(0);
    });

    it.each([ImageStatus.BUILDING, ImageStatus.TESTING, ImageStatus.INTEGRATING])(
      'Build still in progress (%s): DynamoDB not modified, preset reported building',
      async (imageStatus) => {
        const record = amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) });
        await seed(record);
        givenPipelines(statusApp, 'linux-x64');
        givenImages(statusApp, 'linux-x64', [
          { arn: imageArn('linux-x64', 5), state: { status: imageStatus } },
        ]);

        const response = await getStatus().expect(200);

        expect(await stored('linux-x64')).toEqual(record);
        expect(response.body.presets[0]).toMatchObject({ status: 'building' });
        expect(response.body.reconciliation.presets[0]).toMatchObject({ outcome: 'still-building' });
      },
    );
  });

  describe('Requirement: reconciliation results are cached per Lambda container', () => {
    it('First invocation triggers reconciliation: Image Builder is called and the result cached', async () => {
      await seed(amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) }));
      givenPipelines(statusApp, 'linux-x64');
      givenImages(statusApp, 'linux-x64', [{ arn: imageArn('linux-x64', 5), state: { status: 'BUILDING' } }]);

      const response = await getStatus().expect(200);

      expect(statusApp.imageBuilder.calls()).toHaveLength(3);
      expect(response.body.reconciliation.presets[0]).toMatchObject({ cached: false });
    });

    it('Subsequent invocations use cache: a second request on the same app makes no Image Builder call', async () => {
      // Prepare
      await seed(amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) }));
      givenPipelines(statusApp, 'linux-x64');
      givenImages(statusApp, 'linux-x64', [{ arn: imageArn('linux-x64', 5), state: { status: 'BUILDING' } }]);
      await getStatus().expect(200);
      statusApp.imageBuilder.resetHistory();

      // Act
      const response = await getStatus().expect(200);

      // Assess
      expect(statusApp.imageBuilder.calls()).toHaveLength(0);
      expect(response.body.reconciliation.presets).toEqual([
        { name: 'linux-x64', outcome: 'still-building', cached: true },
      ]);
    });
  });

  describe('Requirement: reconciliation uses conditional writes', () => {
    it('Concurrent update during reconciliation: the newer state is preserved and SSM untouched', async () => {
      // Prepare
      await seed(amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) }));
      givenPipelines(statusApp, 'linux-x64');
      givenRunnerConfig(statusApp);
      const image = availableImage('linux-x64', 2, 'ami-3703221ef28267487', minutesAgo(90));
      givenImages(statusApp, 'linux-x64', [image]);
      const newer = amiRecord('linux-x64', {
        status: 'ready',
        amiId: 'ami-bf4111f1ea3e6be6a',
        updatedAt: minutesAgo(1),
      });
      statusApp.imageBuilder.on(GetImageCommand).callsFake(async () => {
        await dynamoDb.put(tableName, newer); // the AMI update handler wins the race
        return { image };
      });

      // Act
      const response = await getStatus().expect(200);

      // Assess
      expect(await stored('linux-x64')).toEqual(newer);
      expect(statusApp.ssm.calls()).toHaveLength(0);
      expect(response.body.presets).toEqual([
        { name: 'linux-x64', status: 'ready', amiId: 'ami-bf4111f1ea3e6be6a', updatedAt: minutesAgo(1) },
      ]);
      expect(response.body.reconciliation.presets).toEqual([
        { name: 'linux-x64', outcome: 'unresolved', reason: 'superseded', cached: false },
      ]);
    });

    it('a newer building record written during reconciliation is not overwritten by an older finding', async () => {
      await seed(amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) }));
      givenPipelines(statusApp, 'linux-x64');
      givenRunnerConfig(statusApp);
      const image: Image = {
        arn: imageArn('linux-x64', 2),
        state: { status: 'FAILED', reason: 'old build' },
      };
      givenImages(statusApp, 'linux-x64', [image]);
      const rebuild = amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(0.5) });
      statusApp.imageBuilder.on(GetImageCommand).callsFake(async () => {
        await dynamoDb.put(tableName, rebuild);
        return { image };
      });

      await getStatus().expect(200);

      expect(await stored('linux-x64')).toEqual(rebuild);
    });
  });

  describe('reading the state table', () => {
    it('reads AMI records over every page of the GSI and leaves runner job records alone', async () => {
      // Prepare: 12 records of ~200 KB make DynamoDB split the query into pages of 1 MB.
      const padding = 'x'.repeat(200_000);
      const presets = Array.from({ length: 12 }, (_, i) => `preset-${String(i).padStart(2, '0')}`);
      await seed(
        ...presets.map((name) => ({
          ...amiRecord(name, { status: 'ready', amiId: 'ami-2e97de36319271ea4', updatedAt: minutesAgo(5) }),
          padding,
        })),
      );
      const job = { jobId: 'job-42', recordType: 'JOB', status: 'building', updatedAt: minutesAgo(600) };
      await seed(job);
      const send = jest.spyOn(statusApp.dynamoDb, 'send');

      // Act
      const response = await getStatus().expect(200);

      // Assess
      expect(send.mock.calls.filter(([command]) => command instanceof QueryCommand).length).toBeGreaterThan(
        1,
      );
      expect((response.body as StatusReport).presets.map((preset) => preset.name)).toEqual(presets);
      expect(response.body.message).toBe('12 presets ready');
      expect(await dynamoDb.get(tableName, 'job-42')).toEqual(job);
    });

    it('reports invalid records as invalid, never reconciles or writes them, and keeps answering', async () => {
      // Prepare
      const records = [
        amiRecord('bad-status', { status: 'stuck', updatedAt: minutesAgo(120) }),
        amiRecord('bad-date', { status: 'building', updatedAt: 'last tuesday' }),
        {
          ...amiRecord('x', { status: 'building', updatedAt: minutesAgo(120) }),
          presetName: '../etc',
          jobId: 'AMI#../etc',
        },
        { jobId: 'AMI#no-fields', recordType: 'AMI', updatedAt: minutesAgo(3) },
      ];
      await seed(
        ...records,
        amiRecord('linux-x64', { status: 'ready', amiId: 'ami-2e97de36319271ea4', updatedAt: minutesAgo(5) }),
      );
      const warn = jest.spyOn(statusApp.logger, 'warn');

      // Act
      const response = await getStatus().expect(200);

      // Assess
      expect(statusApp.imageBuilder.calls()).toHaveLength(0);
      for (const record of records)
        expect(await dynamoDb.get(tableName, record.jobId as string)).toEqual(record);
      expect(response.body.status).toBe('degraded');
      expect(response.body.message).toBe('1 preset ready, 4 presets invalid');
      expect(response.body.presets).toEqual([
        { name: '../etc', status: 'invalid', amiId: null, updatedAt: minutesAgo(120) },
        { name: 'bad-date', status: 'invalid', amiId: null, updatedAt: 'last tuesday' },
        { name: 'bad-status', status: 'invalid', amiId: null, updatedAt: minutesAgo(120) },
        { name: 'linux-x64', status: 'ready', amiId: 'ami-2e97de36319271ea4', updatedAt: minutesAgo(5) },
        { name: 'no-fields', status: 'invalid', amiId: null, updatedAt: minutesAgo(3) },
      ]);
      expect(warn).toHaveBeenCalledWith(
        expect.any(String),
        expect.objectContaining({ preset: 'bad-status', reason: 'invalid-status', outcome: 'invalid' }),
      );
    });

    it('reports a record whose amiId or pending AMI is no AMI id as invalid, and never writes it to SSM', async () => {
      // Prepare
      await seed(amiRecord('bad-ami', { status: 'ready', amiId: 'ami-0new', updatedAt: minutesAgo(5) }), {
        ...amiRecord('bad-pending', {
          status: 'ready',
          amiId: 'ami-2e97de36319271ea4',
          updatedAt: minutesAgo(5),
        }),
        ssmPendingAmiId: '"},"instanceTypes":[]',
      });
      givenRunnerConfig(statusApp);
      const warn = jest.spyOn(statusApp.logger, 'warn');

      // Act
      const response = await getStatus().expect(200);

      // Assess
      expect(response.body).toMatchObject({ status: 'degraded', message: '2 presets invalid' });
      expect(response.body.presets).toEqual([
        { name: 'bad-ami', status: 'invalid', amiId: null, updatedAt: minutesAgo(5) },
        { name: 'bad-pending', status: 'invalid', amiId: null, updatedAt: minutesAgo(5) },
      ]);
      expect(statusApp.ssm.calls()).toHaveLength(0);
      expect(warn).toHaveBeenCalledWith(
        expect.any(String),
        expect.objectContaining({ preset: 'bad-pending', reason: 'invalid-ssm-pending-ami-id' }),
      );
    });

    it('answers 503 with no internals when the state table cannot be read', async () => {
      await statusApp.app.close();
      statusApp = await startStatusApp({ stateTableName: 'table-that-does-not-exist' }, NOW);

      const response = await getStatus().expect(503);

      expect(response.headers['content-type']).toMatch(/application\/json/);
      expect(response.body).toEqual({ status: 'error', message: 'AMI state is temporarily unavailable' });
    });

    it('answers 503 with no internals when DynamoDB is unreachable', async () => {
      // Prepare
      await statusApp.app.close();
      const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
      process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://127.0.0.1:9';
      let response: Response;
      try {
        statusApp = await startStatusApp({ stateTableName: tableName }, NOW);

        // Act
        response = await getStatus().expect(503);
      } finally {
        process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
      }

      // Assess
      expect(response.body).toEqual({ status: 'error', message: 'AMI state is temporarily unavailable' });
      expect(response.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|spot-runner-state|stack/i);
    });
  });

  describe('when Image Builder or SSM misbehave', () => {
    it('Image Builder failing: 200, the preset reported from DynamoDB as image-builder-error', async () => {
      // Prepare
      await seed(amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) }));
      statusApp.imageBuilder.on(ListImagePipelinesCommand).rejects(
        new ServiceException({
          $metadata: { httpStatusCode: 500 },
          message: `Internal failure for arn:aws:iam::${ACCOUNT_ID}:role/status`,
        }),
      );

      // Act
      const response = await getStatus().expect(200);

      // Assess
      expect(response.body.presets).toEqual([
        { name: 'linux-x64', status: 'building', amiId: null, updatedAt: minutesAgo(120) },
      ]);
      expect(response.body.reconciliation.presets).toEqual([
        { name: 'linux-x64', outcome: 'unresolved', reason: 'image-builder-error', cached: false },
      ]);
      expect(response.text).not.toContain(ACCOUNT_ID);
    });

    it('AMIs for two regions: only the AMI of the service region reaches DynamoDB and SSM', async () => {
      // Prepare
      await seed(amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) }));
      givenPipelines(statusApp, 'linux-x64');
      givenRunnerConfig(statusApp);
      givenImages(statusApp, 'linux-x64', [
        {
          arn: imageArn('linux-x64', 2),
          dateCreated: minutesAgo(90),
          state: { status: 'AVAILABLE' },
          outputResources: {
            amis: [
              { region: 'us-east-1', image: 'ami-d55b742f55e821d01' },
              { region: 'eu-west-1', image: 'ami-d61a4b4a2eca367f7' },
            ],
          },
        },
      ]);

      // Act
      await getStatus().expect(200);

      // Assess
      expect(await stored('linux-x64')).toMatchObject({ status: 'ready', amiId: 'ami-d61a4b4a2eca367f7' });
      expect(writtenAmis(statusApp)).toEqual({ '/spot-runner/configs/linux-x64': 'ami-d61a4b4a2eca367f7' });
    });

    it('an AVAILABLE image with no AMI in the service region writes nothing and says so', async () => {
      const record = amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) });
      await seed(record);
      givenPipelines(statusApp, 'linux-x64');
      givenImages(statusApp, 'linux-x64', [
        {
          arn: imageArn('linux-x64', 2),
          dateCreated: minutesAgo(90),
          state: { status: 'AVAILABLE' },
          outputResources: { amis: [{ region: 'us-east-1', image: 'ami-d55b742f55e821d01' }] },
        },
      ]);

      const response = await getStatus().expect(200);

      expect(await stored('linux-x64')).toEqual(record);
      expect(statusApp.ssm.calls()).toHaveLength(0);
      expect(response.body.reconciliation.presets[0]).toMatchObject({ reason: 'no-ami-for-region' });
    });

    it('a pipeline without images leaves the preset unchanged', async () => {
      await seed(amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) }));
      givenPipelines(statusApp, 'linux-x64');
      givenImages(statusApp, 'linux-x64', []);

      const response = await getStatus().expect(200);

      expect(response.body.reconciliation.presets[0]).toMatchObject({ reason: 'no-images' });
      expect(statusApp.imageBuilder).not.toHaveReceivedCommand(GetImageCommand);
    });

    it.each([
      [
        'missing',
        () =>
          statusApp.ssm
            .on(GetParameterCommand)
            .rejects(new ParameterNotFound({ message: 'gone', $metadata: {} })),
        'ssm-parameter-missing',
      ],
      ['not JSON', () => givenRunnerConfig(statusApp, 'ami: pending'), 'ssm-config-invalid'],
    ])(
      'an SSM runner config that is %s: record corrected, nothing written to SSM, reported',
      async (_, givenSsm, reason) => {
        // Prepare
        await seed(amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) }));
        givenPipelines(statusApp, 'linux-x64');
        givenImages(statusApp, 'linux-x64', [
          availableImage('linux-x64', 2, 'ami-0915be09108b54f84', minutesAgo(90)),
        ]);
        givenSsm();

        // Act
        const response = await getStatus().expect(200);

        // Assess
        expect(statusApp.ssm).not.toHaveReceivedCommand(PutParameterCommand);
        expect(await stored('linux-x64')).toMatchObject({ status: 'ready', amiId: 'ami-0915be09108b54f84' });
        expect(response.body.reconciliation.presets).toEqual([
          {
            name: 'linux-x64',
            outcome: 'corrected',
            from: 'building',
            to: 'ready',
            ssmConfig: reason,
            cached: false,
          },
        ]);
      },
    );

    it('Image Builder slower than the budget: deadline-exceeded, answered from DynamoDB, nothing written', async () => {
      // Prepare
      await statusApp.app.close();
      statusApp = await startStatusApp({ stateTableName: tableName, reconciliationBudgetMs: 100 }, NOW);
      const record = amiRecord('linux-x64', { status: 'building', updatedAt: minutesAgo(120) });
      await seed(record);
      givenPipelines(statusApp, 'linux-x64');
      givenImages(statusApp, 'linux-x64', [
        availableImage('linux-x64', 2, 'ami-0915be09108b54f84', minutesAgo(90)),
      ]);
      statusApp.imageBuilder.on(GetImageCommand).callsFake(() => new Promise(() => undefined));

      // Act
      const response = await getStatus().expect(200);

      // Assess
      expect(response.body.reconciliation.presets).toEqual([
        { name: 'linux-x64', outcome: 'unresolved', reason: 'deadline-exceeded', cached: false },
      ]);
      expect(await stored('linux-x64')).toEqual(record);
      expect(statusApp.ssm.calls()).toHaveLength(0);
    });
  });

  describe('the HTTP surface', () => {
    it('answers JSON with Cache-Control: no-store, presets sorted by name, no ARNs or account ids', async () => {
      // Prepare
      await seed(
        amiRecord('windows-x64', { status: 'building', updatedAt: minutesAgo(5) }),
        amiRecord('linux-x64', {
          status: 'ready',
          amiId: 'ami-44349a6d02f99b214',
          updatedAt: minutesAgo(500),
          buildId: imageArn('linux-x64', 1),
        }),
        amiRecord('linux-arm64', { status: 'building', updatedAt: minutesAgo(120) }),
      );
      givenPipelines(statusApp, 'linux-arm64');
      givenImages(statusApp, 'linux-arm64', [
        availableImage('linux-arm64', 3, 'ami-e9a31fe958b87c409', minutesAgo(60)),
      ]);
      givenRunnerConfig(statusApp);

      // Act
      const response = await getStatus().expect(200);

      // Assess
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.headers['cache-control']).toBe('no-store');
      expect((response.body as StatusReport).presets.map((preset) => preset.name)).toEqual([
        'linux-arm64',
        'linux-x64',
        'windows-x64',
      ]);
      expect(response.body.status).toBe('building');
      expect(response.body.message).toBe('2 presets ready, 1 preset building');
      expect(response.text).not.toMatch(/arn:|123456789012/);
    });

    it('answers an empty table as degraded', async () => {
      const response = await getStatus().expect(200);

      expect(response.body).toEqual({
        ...BESIDE_THE_AMIS,
        status: 'degraded',
        message: 'No presets found',
        presets: [],
        reconciliation: { presets: [] },
      });
    });

    it('answers unknown routes with a JSON 404', async () => {
      const response = await getChecked(statusApp.app, '/nope').expect(404);

      expect(response.body).toEqual({ status: 'error', message: 'Not found' });
    });
  });
});
