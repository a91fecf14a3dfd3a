import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { amiRecord, jobRecord, LocalDynamoDb } from '../../local/local-dynamodb';
import { AmiRecord, parseAmiRecord } from '../ami-state/ami-record';
import { AmiStateUnavailableError } from '../ami-state/ami-state-unavailable.error';
import { testConfig } from '../testing/test-config';
import { AmiStateRepository } from './ami-state.repository';

const AMI_2 = 'ami-0222222222222222a';
const AMI_3 = 'ami-0333333333333333b';
const BUILD_3 = 'arn:aws:imagebuilder:eu-west-1:123456789012:image/spot-runner-linux-x64/1.0.0/3';
const READY_3 = { amiId: AMI_3, buildId: BUILD_3, imageCreatedAt: '2026-11-23T11:00:00.000Z' };
const NOW = '2026-11-23T12:00:00.000Z';
const EARLIER = '2026-11-20T12:00:00.000Z';
const LATER = '2026-11-23T12:05:00.000Z';
const LATEST = '2026-11-23T13:00:00.000Z';
const FAILED_3 = {
  buildId: BUILD_3,
  errorMessage: 'Workflow step failed',
  imageCreatedAt: READY_3.imageCreatedAt,
};
const READY_4 = {
  amiId: 'ami-0444444444444444c',
  buildId: `${BUILD_3}4`,
  imageCreatedAt: '2026-11-23T12:30:00.000Z',
};

/**
 * The repository against a real DynamoDB (dynalite): what each conditional write applies
 * and refuses. This spec alone states DynamoDB expressions; the services' specs mock it.
 */
describe(AmiStateRepository.name, () => {
  let dynamoDb: LocalDynamoDb;
  let tableName: string;
  let repository: AmiStateRepository;
  let updates: UpdateCommandInput[];
  /** Every request the document client sent, by command. */
  let sent: { command: string; input: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    dynamoDb = await LocalDynamoDb.start('eu-west-1');
    dynamoDb.documentClient.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === 'UpdateItemCommand') updates.push(args.input as UpdateCommandInput);
        sent.push({ command: context.commandName ?? '', input: args.input as Record<string, unknown> });
        return next(args);
      },
      { step: 'initialize', name: 'recordUpdates' },
    );
  });

  afterAll(() => dynamoDb.stop());

  beforeEach(async () => {
    tableName = await dynamoDb.createStateTable();
    repository = new AmiStateRepository(dynamoDb.documentClient, testConfig({ stateTableName: tableName }));
    updates = [];
    sent = [];
  });

  /** Stores `item` and returns the record as the repository reads it. */
  async function stored(item: Record<string, unknown>): Promise<AmiRecord> {
    await dynamoDb.put(tableName, item);
    const parsed = parseAmiRecord(item);
    if (parsed.kind === 'invalid') throw new Error(`test record is invalid: ${parsed.invalid.reason}`);
    return parsed.record;
  }

  const item = () => dynamoDb.get(tableName, 'AMI#linux-x64');
  /** A write's result when it applied: the record exactly as it is now stored. */
  const appliedAsStored = async () => ({ kind: 'applied', record: await stored((await item())!) });
  const building = () =>
    amiRecord('linux-x64', { status: 'building', updatedAt: '2026-11-23T10:00:00.000Z' });

  describe('listAmiRecords', () => {
    it('reads every AMI record over the recordType index, and no job record', async () => {
      await dynamoDb.putAll(tableName, [
        ...Array.from({ length: 30 }, (_, i) =>
          amiRecord(`preset-${i}`, { status: 'ready', amiId: AMI_2, updatedAt: NOW }),
        ),
        jobRecord(1, 'running', NOW),
      ]);

      const records = await repository.listAmiRecords();

      expect(records).toHaveLength(30);
      expect(records.every((parsed) => parsed.kind === 'valid')).toBe(true);
      expect(sent.filter(({ command }) => command === 'QueryCommand')[0].input).toMatchObject({
        IndexName: 'recordType-index',
        KeyConditionExpression: '#recordType = :ami',
        ExpressionAttributeValues: { ':ami': 'AMI' },
      });
    });

    it('throws AmiStateUnavailableError when the table cannot be read', async () => {
      const missing = new AmiStateRepository(
        dynamoDb.documentClient,
        testConfig({ stateTableName: 'no-such-table' }),
      );

      await expect(missing.listAmiRecords()).rejects.toBeInstanceOf(AmiStateUnavailableError);
    });

    it('reads every page of the recordType index when the AMI records pass 1 MB', async () => {
      // Prepare: 12 records of ~200 KB make DynamoDB split the query into pages of 1 MB.
      const presets = Array.from({ length: 12 }, (_, i) => `preset-${String(i).padStart(2, '0')}`);
      const padding = 'x'.repeat(200_000);
      await dynamoDb.putAll(
        tableName,
        presets.map((name) => ({
          ...amiRecord(name, { status: 'ready', amiId: AMI_2, updatedAt: NOW }),
          padding,
        })),
      );

      // Act
      const records = await repository.listAmiRecords();

      // Assess
      expect(sent.filter(({ command }) => command === 'QueryCommand').length).toBeGreaterThan(1);
      expect(
        records.map((parsed) => (parsed.kind === 'valid' ? parsed.record.presetName : '')).sort(),
      ).toEqual(presets);
    });

    it('throws AmiStateUnavailableError when DynamoDB is unreachable', async () => {
      // Prepare: nothing listens on the discard port of loopback.
      const unreachable = DynamoDBDocumentClient.from(
        new DynamoDBClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 1 }),
      );
      const cutOff = new AmiStateRepository(unreachable, testConfig({ stateTableName: tableName }));

      // Act
      const read = cutOff.listAmiRecords();

      // Assess
      await expect(read).rejects.toBeInstanceOf(AmiStateUnavailableError);
      unreachable.destroy();
    });
  });

  describe('markReady', () => {
    it('sets the record ready with the AMI and a pending mark carrying the writer’s token', async () => {
      const record = await stored(building());

      const result = await repository.markReady(record, READY_3, NOW, 'unchanged-since-read', 'token-1');

      expect(result).toEqual(await appliedAsStored());
      expect(result).toEqual({
        kind: 'applied',
        record: {
          jobId: 'AMI#linux-x64',
          presetName: 'linux-x64',
          status: 'ready',
          ...READY_3,
          ssmPendingAmiId: AMI_3,
          ssmPendingToken: 'token-1',
          updatedAt: NOW,
          updatedAtMs: Date.parse(NOW),
          healCount: 1,
          healedAt: NOW,
        },
      });
    });

    it('counts each heal in the same write: healCount over two heals, healedAt the last one', async () => {
      const first = await stored(building());
      const healed = await repository.markFailed(first, FAILED_3, NOW, 'unchanged-since-read');
      const rebuilding = await stored({ ...(await item()), status: 'building', updatedAt: LATER });

      await repository.markReady(rebuilding, READY_4, LATEST, 'unchanged-since-read', 'token-2');

      expect(healed).toMatchObject({ kind: 'applied', record: { healCount: 1, healedAt: NOW } });
      expect(await item()).toMatchObject({ healCount: 2, healedAt: LATEST });
      expect(updates).toHaveLength(2);
    });

    it('never touches healCount or healedAt for an AMI update event', async () => {
      const record = await stored({ ...building(), healCount: 3, healedAt: EARLIER });

      await repository.markReady(record, READY_3, NOW, 'newer-image', 'token-1');

      expect(await item()).toMatchObject({ healCount: 3, healedAt: EARLIER });
      expect(updates[0]?.UpdateExpression).not.toMatch(/heal/);
    });

    it('removes the error of an earlier failed build', async () => {
      const record = await stored({ ...building(), status: 'failed', errorMessage: 'an earlier failure' });

      const result = await repository.markReady(record, READY_3, NOW, 'newer-image', 'token-1');

      expect(result).toMatchObject({ kind: 'applied', record: { status: 'ready' } });
      expect(result).not.toHaveProperty('record.errorMessage');
      expect(await item()).not.toHaveProperty('errorMessage');
    });

    it('requires, for reconciliation, the status and updatedAt it read, verbatim', async () => {
      const record = await stored(building());

      await repository.markReady(record, READY_3, NOW, 'unchanged-since-read', 'token-1');

      expect(updates[0]).toMatchObject({
        ConditionExpression:
          '#status = :seenStatus AND #updatedAt = :seenUpdatedAt AND attribute_exists(jobId) AND ' +
          '(attribute_not_exists(imageCreatedAt) OR imageCreatedAt < :imageCreatedAt)',
        ExpressionAttributeValues: expect.objectContaining({
          ':seenStatus': 'building',
          ':seenUpdatedAt': '2026-11-23T10:00:00.000Z',
        }),
        ReturnValues: 'ALL_NEW',
      });
    });

    it('is superseded when another writer changed the record since it was read (reconciliation)', async () => {
      const record = await stored(building());
      await dynamoDb.put(tableName, { ...building(), updatedAt: '2026-11-23T11:59:00.000Z' });

      const result = await repository.markReady(record, READY_3, NOW, 'unchanged-since-read', 'token-1');

      expect(result).toEqual({ kind: 'superseded' });
      expect(await item()).toMatchObject({ status: 'building', updatedAt: '2026-11-23T11:59:00.000Z' });
    });

    it('is superseded when the status changed since it was read, the same updatedAt kept (reconciliation)', async () => {
      const record = await stored(building());
      await dynamoDb.put(tableName, { ...building(), status: 'failed' });

      const result = await repository.markReady(record, READY_3, NOW, 'unchanged-since-read', 'token-1');

      expect(result).toEqual({ kind: 'superseded' });
    });

    it('never re-creates a record deleted since it was read, under either guard', async () => {
      const record = await stored(building());
      await dynamoDb.documentClient.send(
        new DeleteCommand({ TableName: tableName, Key: { jobId: 'AMI#linux-x64' } }),
      );

      const results = [
        await repository.markReady(record, READY_3, NOW, 'newer-image', 'token-1'),
        await repository.markReady(record, READY_3, NOW, 'unchanged-since-read', 'token-1'),
      ];

      expect(results).toEqual([{ kind: 'superseded' }, { kind: 'superseded' }]);
      expect(await item()).toBeUndefined();
    });

    it('applies a newer image whatever else changed the record (events)', async () => {
      const record = await stored(building());
      await dynamoDb.put(tableName, { ...building(), updatedAt: '2026-11-23T11:59:00.000Z' });

      const result = await repository.markReady(record, READY_3, NOW, 'newer-image', 'token-1');

      expect(result).toEqual(await appliedAsStored());
    });

    it('refuses an image that is not newer than the one the record reflects, under either guard', async () => {
      const record = await stored({ ...building(), imageCreatedAt: READY_3.imageCreatedAt });

      const results = [
        await repository.markReady(record, READY_3, NOW, 'newer-image', 'token-1'),
        await repository.markReady(record, READY_3, NOW, 'unchanged-since-read', 'token-1'),
      ];

      expect(results).toEqual([{ kind: 'superseded' }, { kind: 'superseded' }]);
      expect(updates[0].ConditionExpression).toContain('imageCreatedAt < :imageCreatedAt');
    });
  });

  describe('markFailed', () => {
    it('sets the record failed with the reason, keeping its AMI and any pending mark', async () => {
      const record = await stored({
        ...amiRecord('linux-x64', { status: 'ready', amiId: AMI_2, updatedAt: '2026-11-23T10:00:00.000Z' }),
        ssmPendingAmiId: AMI_2,
      });

      const result = await repository.markFailed(
        record,
        { buildId: BUILD_3, errorMessage: 'Workflow step failed', imageCreatedAt: READY_3.imageCreatedAt },
        NOW,
        'newer-image',
      );

      expect(result).toEqual(await appliedAsStored());
      expect(result).toMatchObject({
        record: {
          status: 'failed',
          amiId: AMI_2,
          buildId: BUILD_3,
          imageCreatedAt: READY_3.imageCreatedAt,
          ssmPendingAmiId: AMI_2,
          errorMessage: 'Workflow step failed',
          updatedAt: NOW,
        },
      });
    });
  });

  describe('markFailed under the reconciliation guard', () => {
    it('is superseded when another writer changed the record since it was read', async () => {
      const record = await stored(building());
      await dynamoDb.put(tableName, { ...building(), updatedAt: '2026-11-23T11:59:00.000Z' });

      const result = await repository.markFailed(
        record,
        { buildId: BUILD_3, errorMessage: 'Workflow step failed', imageCreatedAt: READY_3.imageCreatedAt },
        NOW,
        'unchanged-since-read',
      );

      expect(result).toEqual({ kind: 'superseded' });
      expect(await item()).toMatchObject({ status: 'building' });
    });
  });

  describe('clearSsmPendingIfCurrent', () => {
    it('removes the mark it read, token and all', async () => {
      const record = await stored({
        ...amiRecord('linux-x64', { status: 'ready', amiId: AMI_3, updatedAt: NOW }),
        ssmPendingAmiId: AMI_3,
        ssmPendingToken: 'token-1',
      });

      const result = await repository.clearSsmPendingIfCurrent(record, AMI_3);

      expect(result).toEqual(await appliedAsStored());
      expect(await item()).not.toHaveProperty('ssmPendingAmiId');
      expect(await item()).not.toHaveProperty('ssmPendingToken');
      expect(updates[0].ConditionExpression).toBe(
        'ssmPendingAmiId = :amiId AND ssmPendingToken = :pendingToken',
      );
    });

    it('leaves a mark another writer set since for the same AMI (finding 1)', async () => {
      const record = await stored({
        ...amiRecord('linux-x64', { status: 'ready', amiId: AMI_3, updatedAt: NOW }),
        ssmPendingAmiId: AMI_3,
        ssmPendingToken: 'token-1',
      });
      await dynamoDb.put(tableName, { ...(await item()), ssmPendingToken: 'token-2' });

      expect(await repository.clearSsmPendingIfCurrent(record, AMI_3)).toEqual({ kind: 'superseded' });
      expect(await item()).toMatchObject({ ssmPendingAmiId: AMI_3, ssmPendingToken: 'token-2' });
    });

    it('clears a mark written before tokens only while it has none', async () => {
      const record = await stored({
        ...amiRecord('linux-x64', { status: 'ready', amiId: AMI_3, updatedAt: NOW }),
        ssmPendingAmiId: AMI_3,
      });

      expect(await repository.clearSsmPendingIfCurrent(record, AMI_3)).toEqual(await appliedAsStored());
      expect(updates[0].ConditionExpression).toBe(
        'ssmPendingAmiId = :amiId AND attribute_not_exists(ssmPendingToken)',
      );
    });

    it('does not clear a mark written before tokens once a writer with a token marked it', async () => {
      const record = await stored({
        ...amiRecord('linux-x64', { status: 'ready', amiId: AMI_3, updatedAt: NOW }),
        ssmPendingAmiId: AMI_3,
      });
      await dynamoDb.put(tableName, { ...(await item()), ssmPendingToken: 'token-2' });

      expect(await repository.clearSsmPendingIfCurrent(record, AMI_3)).toEqual({ kind: 'superseded' });
    });
  });

  describe('markSsmPendingIfAmi', () => {
    it('marks the record for its AMI while it has that AMI', async () => {
      const record = await stored(amiRecord('linux-x64', { status: 'ready', amiId: AMI_3, updatedAt: NOW }));

      const result = await repository.markSsmPendingIfAmi(record, AMI_3, 'token-9');

      expect(result).toEqual(await appliedAsStored());
      expect(result).toMatchObject({ record: { ssmPendingAmiId: AMI_3, ssmPendingToken: 'token-9' } });
    });

    it('is superseded once the record has another AMI', async () => {
      const record = await stored(amiRecord('linux-x64', { status: 'ready', amiId: AMI_2, updatedAt: NOW }));

      expect(await repository.markSsmPendingIfAmi(record, AMI_3, 'token-9')).toEqual({ kind: 'superseded' });
      expect(await item()).not.toHaveProperty('ssmPendingAmiId');
    });
  });

  describe('a write', () => {
    it('that applied, yet left a record this service does not understand, throws AmiStateUnavailableError', async () => {
      const record = await stored(amiRecord('linux-x64', { status: 'ready', amiId: AMI_3, updatedAt: NOW }));
      await dynamoDb.put(tableName, { ...(await item()), presetName: '<not a preset>' });

      await expect(repository.markSsmPendingIfAmi(record, AMI_3, 'token-9')).rejects.toBeInstanceOf(
        AmiStateUnavailableError,
      );
    });
  });

  describe('findAmiRecord', () => {
    it('reads by key, and says when the record is gone', async () => {
      await stored(building());

      expect(await repository.findAmiRecord('AMI#linux-x64')).toMatchObject({ kind: 'valid' });
      expect(await repository.findAmiRecord('AMI#windows-x64')).toBeUndefined();
      expect(sent.find(({ command }) => command === 'GetItemCommand')?.input).toMatchObject({
        Key: { jobId: 'AMI#linux-x64' },
        ConsistentRead: true,
      });
    });
  });
});
