import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetImageCommand,
  Image,
  ListImagePipelineImagesCommand,
  ListImagePipelinesCommand,
  ResourceNotFoundException,
  ServiceException,
} from '@aws-sdk/client-imagebuilder';
import { GetParameterCommand, InternalServerError, PutParameterCommand } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { AmiTransitionService } from '../ami-state/ami-transition.service';
import { AmiStateRepository } from '../aws/ami-state.repository';
import { ImageBuilderGateway } from '../aws/image-builder.gateway';
import { SsmConfigService } from '../aws/ssm-config.service';
import { AppConfig } from '../config/app-config';
import { AppLogger } from '../logging/app-logger';
import { PENDING_RUNNER_CONFIG } from '../testing/runner-config.fixture';
import { testConfig } from '../testing/test-config';
import { anImage, imageArn } from '../testing/image.fixture';
import { requestDeadline } from './reconciliation-budget';
import { ReconciliationService } from './reconciliation.service';
import { RunnerConfigVerifier } from './runner-config-verifier.service';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const TWO_HOURS_AGO = '2026-11-23T10:00:00.000Z';
const PIPELINE_ARN = 'arn:aws:imagebuilder:eu-west-1:123456789012:image-pipeline/spot-runner-linux-x64';
const IMAGE_ARN = imageArn('linux-x64', 3);
const OLDER_IMAGE_ARN = 'arn:aws:imagebuilder:eu-west-1:123456789012:image/spot-runner-linux-x64/1.0.0/2';
const RUNNER_CONFIG = PENDING_RUNNER_CONFIG;

function buildingRecord(presetName: string, updatedAt = TWO_HOURS_AGO) {
  return {
    jobId: `AMI#${presetName}`,
    recordType: 'AMI',
    presetName,
    status: 'building',
    amiId: null,
    updatedAt,
  };
}

const IMAGE_CREATED_AT = '2026-11-23T09:00:00.000Z';

/** A record set ready whose runner config has not got its AMI yet (a mark from before tokens). */
function readyWithSsmPending() {
  return {
    ...buildingRecord('linux-x64'),
    status: 'ready',
    amiId: 'ami-24bcf1d59063156ed',
    ssmPendingAmiId: 'ami-24bcf1d59063156ed',
  };
}

const availableImage = (amiId?: string): Image => anImage({ amiId, dateCreated: IMAGE_CREATED_AT });

describe('ReconciliationService', () => {
  const logger = new AppLogger();
  const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
  const imageBuilder = new ImageBuilderGateway(testConfig());
  const ssmConfig = new SsmConfigService(testConfig());
  const imageBuilderMock = mockClient(imageBuilder.client);
  const dynamoDbMock = mockClient(documentClient);
  const ssmMock = mockClient(ssmConfig.client);

  function newService(config: AppConfig = testConfig(), clock = { now: () => NOW }): ReconciliationService {
    const repository = new AmiStateRepository(documentClient, config);
    const transitions = new AmiTransitionService(repository, ssmConfig, config, logger, clock);
    const runnerConfigs = new RunnerConfigVerifier(ssmConfig, transitions, config, logger, clock);
    return new ReconciliationService(
      imageBuilder,
      repository,
      transitions,
      config,
      logger,
      clock,
      runnerConfigs,
    );
  }

  /** The table holds `items`; the pipeline of each preset exists and its newest image is `image`. */
  function givenTable(...items: Record<string, unknown>[]) {
    dynamoDbMock.on(QueryCommand).resolves({ Items: items });
    dynamoDbMock.on(UpdateCommand).resolves({});
    dynamoDbMock.on(GetCommand).resolves({});
  }

  function givenPipelineImage(image: Image) {
    imageBuilderMock
      .on(ListImagePipelinesCommand)
      .callsFake((input: { filters: { values: string[] }[] }) => ({
        imagePipelineList: input.filters[0].values.map((name) => ({
          name,
          arn: PIPELINE_ARN.replace('spot-runner-linux-x64', name),
        })),
      }));
    imageBuilderMock.on(ListImagePipelineImagesCommand).resolves({
      imageSummaryList: [{ arn: image.arn, dateCreated: '2026-11-23T09:00:00.000Z' }],
    });
    imageBuilderMock.on(GetImageCommand).resolves({ image });
  }

  function givenRunnerConfig() {
    ssmMock.on(GetParameterCommand).resolves({
      Parameter: {
        Name: '/spot-runner/configs/linux-x64',
        Type: 'String',
        Value: JSON.stringify(RUNNER_CONFIG),
      },
    });
    ssmMock.on(PutParameterCommand).resolves({ Version: 2 });
  }

  beforeEach(() => {
    imageBuilderMock.reset();
    dynamoDbMock.reset();
    ssmMock.reset();
    jest.restoreAllMocks();
  });

  it('reads AMI records from the recordType GSI', async () => {
    givenTable();

    await newService().reconcile(requestDeadline(1_000));

    expect(dynamoDbMock).toHaveReceivedCommandWith(QueryCommand, {
      TableName: 'spot-runner-state',
      IndexName: 'recordType-index',
      KeyConditionExpression: '#recordType = :ami',
      ExpressionAttributeValues: { ':ami': 'AMI' },
    });
  });

  it('Record is not stale: a recent building record makes no Image Builder call', async () => {
    givenTable(buildingRecord('linux-x64', '2026-11-23T11:45:00.000Z'));

    const state = await newService().reconcile(requestDeadline(1_000));

    expect(imageBuilderMock.calls()).toHaveLength(0);
    expect(state.reconciliations).toEqual([]);
  });

  it('Non-building records are ignored, however old', async () => {
    givenTable(
      {
        ...buildingRecord('linux-x64', '2020-01-01T00:00:00.000Z'),
        status: 'ready',
        amiId: 'ami-16e6310e5e69bc856',
      },
      { ...buildingRecord('linux-arm64', '2020-01-01T00:00:00.000Z'), status: 'failed' },
    );

    await newService().reconcile(requestDeadline(1_000));

    expect(imageBuilderMock.calls()).toHaveLength(0);
  });

  it('Pipeline lookup by name: one ListImagePipelines call per 10 stale presets, exact names', async () => {
    // Prepare
    const presets = Array.from({ length: 12 }, (_, i) => `preset-${String(i).padStart(2, '0')}`);
    givenTable(...presets.map((name) => buildingRecord(name)));
    givenPipelineImage({ ...availableImage(), state: { status: 'BUILDING' } });

    // Act
    await newService().reconcile(requestDeadline(1_000));

    // Assess
    const lookups = imageBuilderMock
      .commandCalls(ListImagePipelinesCommand)
      .map((call) => call.args[0].input);
    expect(lookups).toEqual([
      { filters: [{ name: 'name', values: presets.slice(0, 10).map((name) => `spot-runner-${name}`) }] },
      { filters: [{ name: 'name', values: presets.slice(10).map((name) => `spot-runner-${name}`) }] },
    ]);
  });

  it('Latest image from pipeline: every page is read and the newest image by dateCreated is fetched', async () => {
    // Prepare
    givenTable(buildingRecord('linux-x64'));
    givenPipelineImage(availableImage());
    givenRunnerConfig();
    imageBuilderMock
      .on(ListImagePipelineImagesCommand)
      .resolvesOnce({
        imageSummaryList: [{ arn: OLDER_IMAGE_ARN, dateCreated: '2026-11-20T09:00:00.000Z' }],
        nextToken: 'page-2',
      })
      .resolvesOnce({ imageSummaryList: [{ arn: IMAGE_ARN, dateCreated: '2026-11-23T09:00:00.000Z' }] });

    // Act
    await newService().reconcile(requestDeadline(1_000));

    // Assess
    expect(imageBuilderMock).toHaveReceivedCommandWith(ListImagePipelineImagesCommand, {
      imagePipelineArn: PIPELINE_ARN,
      nextToken: 'page-2',
    });
    expect(imageBuilderMock).toHaveReceivedCommandTimes(GetImageCommand, 1);
    expect(imageBuilderMock).toHaveReceivedCommandWith(GetImageCommand, { imageBuildVersionArn: IMAGE_ARN });
  });

  it('Pipeline not found: the preset is left unchanged and a warning is logged', async () => {
    // Prepare
    givenTable(buildingRecord('linux-x64'));
    imageBuilderMock.on(ListImagePipelinesCommand).resolves({
      imagePipelineList: [{ name: 'spot-runner-linux-x64-old', arn: PIPELINE_ARN }],
    });
    const warn = jest.spyOn(logger, 'warn');

    // Act
    const state = await newService().reconcile(requestDeadline(1_000));

    // Assess
    expect(state.reconciliations).toEqual([
      { presetName: 'linux-x64', outcome: 'unresolved', reason: 'pipeline-not-found', cached: false },
    ]);
    expect(imageBuilderMock).not.toHaveReceivedCommand(ListImagePipelineImagesCommand);
    expect(dynamoDbMock).not.toHaveReceivedCommand(UpdateCommand);
    expect(warn).toHaveBeenCalledWith(
      expect.any(String),
      expect.objectContaining({ preset: 'linux-x64', outcome: 'pipeline-not-found' }),
    );
  });

  it('Build completed successfully: the record is set ready, guarded by what was read, then SSM', async () => {
    // Prepare
    givenTable(buildingRecord('linux-x64'));
    givenPipelineImage(availableImage('ami-24bcf1d59063156ed'));
    givenRunnerConfig();

    // Act
    const state = await newService().reconcile(requestDeadline(1_000));

    // Assess
    expect(dynamoDbMock).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'spot-runner-state',
      Key: { jobId: 'AMI#linux-x64' },
      ConditionExpression:
        '#status = :seenStatus AND #updatedAt = :seenUpdatedAt AND attribute_exists(jobId) AND ' +
        '(attribute_not_exists(imageCreatedAt) OR imageCreatedAt < :imageCreatedAt)',
      ExpressionAttributeValues: {
        ':status': 'ready',
        ':amiId': 'ami-24bcf1d59063156ed',
        ':buildId': IMAGE_ARN,
        ':imageCreatedAt': IMAGE_CREATED_AT,
        ':updatedAt': NOW.toISOString(),
        ':pendingToken': expect.any(String),
        ':seenStatus': 'building',
        ':seenUpdatedAt': TWO_HOURS_AGO,
      },
    });
    const marked = dynamoDbMock.commandCalls(UpdateCommand)[0].args[0].input.ExpressionAttributeValues!;
    // The clear removes only the mark this very write set.
    expect(dynamoDbMock).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { jobId: 'AMI#linux-x64' },
      UpdateExpression: 'REMOVE ssmPendingAmiId, ssmPendingToken',
      ConditionExpression: 'ssmPendingAmiId = :amiId AND ssmPendingToken = :pendingToken',
      ExpressionAttributeValues: {
        ':amiId': 'ami-24bcf1d59063156ed',
        ':pendingToken': marked[':pendingToken'],
      },
    });
    const put = ssmMock.commandCalls(PutParameterCommand)[0].args[0].input;
    expect(put).toMatchObject({ Name: '/spot-runner/configs/linux-x64', Type: 'String', Overwrite: true });
    expect(JSON.parse(put.Value!)).toEqual({ ...RUNNER_CONFIG, ami: 'ami-24bcf1d59063156ed' });
    expect(state.reconciliations[0]).toMatchObject({
      outcome: 'corrected',
      to: 'ready',
      ssmConfig: 'updated',
    });
    expect(state.records[0]).toMatchObject({
      valid: true,
      record: { status: 'ready', amiId: 'ami-24bcf1d59063156ed', updatedAt: NOW.toISOString() },
    });
    expect(state.records[0]).not.toHaveProperty('record.ssmPendingAmiId');
  });

  it('Build failed: the record is set failed with the reason, its AMI kept, SSM untouched', async () => {
    // Prepare
    givenTable({ ...buildingRecord('linux-x64'), amiId: 'ami-b5259454d72852ec9' });
    givenPipelineImage({
      arn: IMAGE_ARN,
      dateCreated: IMAGE_CREATED_AT,
      state: { status: 'FAILED', reason: 'Component test failed' },
    });

    // Act
    const state = await newService().reconcile(requestDeadline(1_000));

    // Assess
    const update = dynamoDbMock.commandCalls(UpdateCommand)[0].args[0].input;
    expect(update.ExpressionAttributeValues).toEqual({
      ':status': 'failed',
      ':buildId': IMAGE_ARN,
      ':errorMessage': 'Component test failed',
      ':imageCreatedAt': IMAGE_CREATED_AT,
      ':updatedAt': NOW.toISOString(),
      ':seenStatus': 'building',
      ':seenUpdatedAt': TWO_HOURS_AGO,
    });
    expect(update.UpdateExpression).not.toContain('amiId');
    expect(ssmMock.calls()).toHaveLength(0);
    expect(state.records[0]).toMatchObject({ record: { status: 'failed', amiId: 'ami-b5259454d72852ec9' } });
  });

  it('Build failed: a CANCELLED image also sets the record failed', async () => {
    givenTable(buildingRecord('linux-x64'));
    givenPipelineImage({ arn: IMAGE_ARN, dateCreated: IMAGE_CREATED_AT, state: { status: 'CANCELLED' } });

    const state = await newService().reconcile(requestDeadline(1_000));

    expect(state.reconciliations[0]).toMatchObject({ outcome: 'corrected', to: 'failed' });
    expect(ssmMock.calls()).toHaveLength(0);
  });

  it('Build still in progress: nothing is written and the preset stays building', async () => {
    givenTable(buildingRecord('linux-x64'));
    givenPipelineImage({ arn: IMAGE_ARN, state: { status: 'TESTING' } });

    const state = await newService().reconcile(requestDeadline(1_000));

    expect(dynamoDbMock).not.toHaveReceivedCommand(UpdateCommand);
    expect(state.reconciliations[0]).toMatchObject({ outcome: 'still-building' });
    expect(state.records[0]).toMatchObject({ record: { status: 'building' } });
  });

  it('Concurrent update during reconciliation: the failed condition keeps the newer state and skips SSM', async () => {
    // Prepare
    givenTable(buildingRecord('linux-x64'));
    givenPipelineImage(availableImage());
    dynamoDbMock
      .on(UpdateCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    const newer = {
      ...buildingRecord('linux-x64'),
      status: 'ready',
      amiId: 'ami-e5dcbf60e7ce68aeb',
      updatedAt: '2026-11-23T11:59:00.000Z',
    };
    dynamoDbMock.on(GetCommand).resolves({ Item: newer });

    // Act
    const state = await newService().reconcile(requestDeadline(1_000));

    // Assess
    expect(ssmMock.calls()).toHaveLength(0);
    expect(dynamoDbMock).toHaveReceivedCommandWith(GetCommand, {
      Key: { jobId: 'AMI#linux-x64' },
      ConsistentRead: true,
    });
    expect(state.reconciliations[0]).toMatchObject({ outcome: 'unresolved', reason: 'superseded' });
    expect(state.records[0]).toMatchObject({ record: { status: 'ready', amiId: 'ami-e5dcbf60e7ce68aeb' } });
  });

  it('First invocation triggers reconciliation; subsequent invocations use the cache', async () => {
    // Prepare
    givenTable(buildingRecord('linux-x64'));
    givenPipelineImage({ arn: IMAGE_ARN, state: { status: 'BUILDING' } });
    const service = newService();

    // Act
    const first = await service.reconcile(requestDeadline(1_000));
    const callsAfterFirst = imageBuilderMock.calls().length;
    const second = await service.reconcile(requestDeadline(1_000));

    // Assess
    expect(callsAfterFirst).toBe(3);
    expect(imageBuilderMock.calls()).toHaveLength(3);
    expect(first.reconciliations[0]).toMatchObject({ outcome: 'still-building', cached: false });
    expect(second.reconciliations[0]).toMatchObject({ outcome: 'still-building', cached: true });
  });

  it.each([
    ['still building', { arn: IMAGE_ARN, state: { status: 'BUILDING' } }, 'still-building'],
    [
      'with nothing newer',
      { arn: IMAGE_ARN, dateCreated: '2026-11-23T09:00:00.000Z', state: { status: 'DEPRECATED' } },
      'unresolved',
    ],
  ] as const)(
    'Finding 4: checks a preset it found %s again after RECONCILIATION_RECHECK_SECONDS; within it the cache holds',
    async (_, image, outcome) => {
      // Prepare
      givenTable(buildingRecord('linux-x64'));
      givenPipelineImage(image);
      let nowMs = NOW.getTime();
      const service = newService(testConfig({ reconciliationRecheckMs: 300_000 }), {
        now: () => new Date(nowMs),
      });
      await service.reconcile(requestDeadline(1_000));

      // Act
      nowMs += 299_999;
      const withinRecheck = await service.reconcile(requestDeadline(1_000));
      const callsWithinRecheck = imageBuilderMock.calls().length;
      nowMs += 1;
      const after = await service.reconcile(requestDeadline(1_000));

      // Assess
      expect(withinRecheck.reconciliations[0]).toMatchObject({ outcome, cached: true });
      expect(callsWithinRecheck).toBe(3);
      expect(after.reconciliations[0]).toMatchObject({ outcome, cached: false });
      expect(imageBuilderMock.calls()).toHaveLength(6);
    },
  );

  it('heals on the re-check a preset whose build finished after it was found still building (its event lost)', async () => {
    // Prepare
    givenTable(buildingRecord('linux-x64'));
    givenPipelineImage({ arn: IMAGE_ARN, state: { status: 'BUILDING' } });
    givenRunnerConfig();
    let nowMs = NOW.getTime();
    const service = newService(testConfig(), { now: () => new Date(nowMs) });
    await service.reconcile(requestDeadline(1_000));

    // Act
    givenPipelineImage(availableImage());
    nowMs += 300_000;
    const after = await service.reconcile(requestDeadline(1_000));

    // Assess
    expect(after.reconciliations[0]).toMatchObject({ outcome: 'corrected', to: 'ready', cached: false });
  });

  it('reconciles again when the record has a new updatedAt', async () => {
    givenTable(buildingRecord('linux-x64'));
    givenPipelineImage({ arn: IMAGE_ARN, state: { status: 'BUILDING' } });
    const service = newService();
    await service.reconcile(requestDeadline(1_000));

    givenTable(buildingRecord('linux-x64', '2026-11-23T11:00:00.000Z'));
    const second = await service.reconcile(requestDeadline(1_000));

    expect(imageBuilderMock).toHaveReceivedCommandTimes(ListImagePipelinesCommand, 2);
    expect(second.reconciliations[0]).toMatchObject({ cached: false });
  });

  it('concurrent requests share one in-flight reconciliation', async () => {
    givenTable(buildingRecord('linux-x64'));
    givenPipelineImage({ arn: IMAGE_ARN, state: { status: 'BUILDING' } });
    const service = newService();

    const [first, second] = await Promise.all([
      service.reconcile(requestDeadline(1_000)),
      service.reconcile(requestDeadline(1_000)),
    ]);

    expect(imageBuilderMock).toHaveReceivedCommandTimes(ListImagePipelinesCommand, 1);
    expect(imageBuilderMock).toHaveReceivedCommandTimes(GetImageCommand, 1);
    expect(first.reconciliations[0]).toMatchObject({ outcome: 'still-building', cached: false });
    expect(second.reconciliations[0]).toMatchObject({ outcome: 'still-building', cached: true });
  });

  it('a newest image that vanished between the list and the read is reported, not cached, and looked at again', async () => {
    // Prepare
    givenTable(buildingRecord('linux-x64'));
    givenPipelineImage(availableImage());
    imageBuilderMock
      .on(GetImageCommand)
      .rejectsOnce(new ResourceNotFoundException({ $metadata: {}, message: 'Image not found' }))
      .resolves({ image: availableImage() });
    givenRunnerConfig();
    const service = newService();
    const warn = jest.spyOn(logger, 'warn');

    // Act
    const first = await service.reconcile(requestDeadline(1_000));
    const second = await service.reconcile(requestDeadline(1_000));

    // Assess
    expect(first.reconciliations[0]).toEqual({
      presetName: 'linux-x64',
      outcome: 'unresolved',
      reason: 'image-builder-error',
      cached: false,
    });
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('vanished'),
      expect.objectContaining({ preset: 'linux-x64', outcome: 'image-builder-error' }),
    );
    expect(second.reconciliations[0]).toMatchObject({ outcome: 'corrected', cached: false });
  });

  it('an Image Builder error is reported, not cached, and retried by the next request', async () => {
    // Prepare
    givenTable(buildingRecord('linux-x64'));
    givenPipelineImage(availableImage());
    givenRunnerConfig();
    const outage = new ServiceException({ $metadata: { httpStatusCode: 500 }, message: 'Internal failure' });
    imageBuilderMock
      .on(ListImagePipelinesCommand)
      .rejectsOnce(outage)
      .resolves({ imagePipelineList: [{ name: 'spot-runner-linux-x64', arn: PIPELINE_ARN }] });
    const service = newService();

    // Act
    const first = await service.reconcile(requestDeadline(1_000));
    const second = await service.reconcile(requestDeadline(1_000));

    // Assess
    expect(first.reconciliations[0]).toEqual({
      presetName: 'linux-x64',
      outcome: 'unresolved',
      reason: 'image-builder-error',
      cached: false,
    });
    expect(first.records[0]).toMatchObject({ record: { status: 'building' } });
    expect(second.reconciliations[0]).toMatchObject({ outcome: 'corrected', to: 'ready', cached: false });
  });

  it('an AVAILABLE image without an AMI in this region writes nothing', async () => {
    givenTable(buildingRecord('linux-x64'));
    givenPipelineImage({
      ...availableImage(),
      outputResources: { amis: [{ region: 'us-east-1', image: 'ami-7aebc140a25287660' }] },
    });

    const state = await newService().reconcile(requestDeadline(1_000));

    expect(state.reconciliations[0]).toMatchObject({ outcome: 'unresolved', reason: 'no-ami-for-region' });
    expect(dynamoDbMock).not.toHaveReceivedCommand(UpdateCommand);
    expect(ssmMock.calls()).toHaveLength(0);
  });

  it('stops at the deadline: in-flight presets are reported deadline-exceeded, nothing is written', async () => {
    // Prepare
    givenTable(buildingRecord('linux-x64'));
    givenPipelineImage(availableImage());
    imageBuilderMock.on(GetImageCommand).callsFake(() => new Promise(() => undefined));
    const service = newService();

    // Act
    const state = await service.reconcile(requestDeadline(50));

    // Assess
    expect(state.reconciliations[0]).toMatchObject({ outcome: 'unresolved', reason: 'deadline-exceeded' });
    expect(dynamoDbMock).not.toHaveReceivedCommand(UpdateCommand);
    expect(ssmMock.calls()).toHaveLength(0);
  });

  it('with no time left, makes no Image Builder call at all', async () => {
    givenTable(buildingRecord('linux-x64'));
    givenPipelineImage(availableImage());

    const state = await newService().reconcile(requestDeadline(0));

    expect(state.reconciliations[0]).toMatchObject({ reason: 'deadline-exceeded' });
    expect(imageBuilderMock.calls()).toHaveLength(0);
  });

  it('reports invalid records and never reconciles them', async () => {
    givenTable({ ...buildingRecord('linux-x64'), status: 'stuck' });
    const warn = jest.spyOn(logger, 'warn');

    const state = await newService().reconcile(requestDeadline(1_000));

    expect(state.records).toEqual([
      { valid: false, invalid: { name: 'linux-x64', reason: 'invalid-status', updatedAt: TWO_HOURS_AGO } },
    ]);
    expect(imageBuilderMock.calls()).toHaveLength(0);
    expect(warn).toHaveBeenCalledWith(
      expect.any(String),
      expect.objectContaining({ reason: 'invalid-status' }),
    );
  });

  it('a stale record whose image is not newer than the one it reflects is left alone', async () => {
    givenTable({ ...buildingRecord('linux-x64'), imageCreatedAt: IMAGE_CREATED_AT });
    givenPipelineImage(availableImage());
    const warn = jest.spyOn(logger, 'warn');

    const state = await newService().reconcile(requestDeadline(1_000));

    expect(dynamoDbMock).not.toHaveReceivedCommand(UpdateCommand);
    expect(state.reconciliations[0]).toMatchObject({ outcome: 'unresolved', reason: 'no-newer-image' });
    expect(warn).toHaveBeenCalledWith(
      expect.any(String),
      expect.objectContaining({ outcome: 'no-newer-image' }),
    );
  });

  it('Finding 7: shares one pending SSM update between concurrent requests: the runner config is written once', async () => {
    // Prepare
    givenTable(readyWithSsmPending());
    givenRunnerConfig();
    const service = newService();

    // Act
    const states = await Promise.all([1, 2, 3, 4].map(() => service.reconcile(requestDeadline(1_000))));

    // Assess
    expect(ssmMock).toHaveReceivedCommandTimes(PutParameterCommand, 1);
    expect(states.map((state) => state.reconciliations[0])).toEqual([
      expect.objectContaining({ outcome: 'ssm-update-completed', cached: false }),
      ...Array(3).fill(expect.objectContaining({ outcome: 'ssm-update-completed', cached: true })),
    ]);
  });

  describe('a preset the recordType index read misses (eventually consistent)', () => {
    const ready = { ...buildingRecord('linux-x64'), status: 'ready', amiId: 'ami-24bcf1d59063156ed' };

    it('Finding 5: is read by key, strongly consistent, and reported, once this container has seen it', async () => {
      // Prepare
      givenTable(ready);
      const service = newService();
      await service.reconcile(requestDeadline(1_000));
      dynamoDbMock.on(QueryCommand).resolves({ Items: [] });
      dynamoDbMock.on(GetCommand, { Key: { jobId: 'AMI#linux-x64' } }).resolves({ Item: ready });

      // Act
      const state = await service.reconcile(requestDeadline(1_000));

      // Assess
      expect(dynamoDbMock).toHaveReceivedCommandWith(GetCommand, {
        Key: { jobId: 'AMI#linux-x64' },
        ConsistentRead: true,
      });
      expect(state.records).toEqual([
        expect.objectContaining({
          valid: true,
          record: expect.objectContaining({ presetName: 'linux-x64' }),
        }),
      ]);
    });

    it('is dropped once the read by key says it is gone, and not read again', async () => {
      // Prepare
      givenTable(ready);
      const service = newService();
      await service.reconcile(requestDeadline(1_000));
      dynamoDbMock.on(QueryCommand).resolves({ Items: [] });
      dynamoDbMock.on(GetCommand).resolves({});

      // Act
      const gone = await service.reconcile(requestDeadline(1_000));
      const next = await service.reconcile(requestDeadline(1_000));

      // Assess
      expect(gone.records).toEqual([]);
      expect(next.records).toEqual([]);
      expect(dynamoDbMock).toHaveReceivedCommandTimes(GetCommand, 1);
    });
  });

  it('completes an SSM update a record is marked pending for, then clears the mark', async () => {
    // Prepare
    givenTable(readyWithSsmPending());
    givenRunnerConfig();

    // Act
    const state = await newService().reconcile(requestDeadline(1_000));

    // Assess
    expect(JSON.parse(ssmMock.commandCalls(PutParameterCommand)[0].args[0].input.Value!)).toMatchObject({
      ami: 'ami-24bcf1d59063156ed',
    });
    // A mark from before tokens is cleared by its AMI alone.
    expect(dynamoDbMock).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: 'REMOVE ssmPendingAmiId, ssmPendingToken',
      ConditionExpression: 'ssmPendingAmiId = :amiId AND attribute_not_exists(ssmPendingToken)',
    });
    expect(state.reconciliations).toEqual([
      expect.objectContaining({
        presetName: 'linux-x64',
        outcome: 'ssm-update-completed',
        ssmConfig: 'updated',
      }),
    ]);
    expect(state.records[0]).not.toHaveProperty('record.ssmPendingAmiId');
    expect(imageBuilderMock.calls()).toHaveLength(0);
  });

  it('keeps the mark when the pending SSM update fails again, and retries on the next request', async () => {
    // Prepare
    givenTable(readyWithSsmPending());
    givenRunnerConfig();
    ssmMock.on(PutParameterCommand).rejects(new InternalServerError({ message: 'boom', $metadata: {} }));
    const service = newService();

    // Act
    const first = await service.reconcile(requestDeadline(1_000));
    const second = await service.reconcile(requestDeadline(1_000));

    // Assess
    expect(first.reconciliations[0]).toMatchObject({
      outcome: 'unresolved',
      reason: 'ssm-update-pending',
      ssmConfig: 'ssm-update-failed',
    });
    expect(first.records[0]).toMatchObject({ record: { ssmPendingAmiId: 'ami-24bcf1d59063156ed' } });
    expect(second.reconciliations[0]).toMatchObject({ reason: 'ssm-update-pending', cached: false });
    expect(ssmMock).toHaveReceivedCommandTimes(PutParameterCommand, 2);
    expect(dynamoDbMock).not.toHaveReceivedCommand(UpdateCommand);
  });
});
