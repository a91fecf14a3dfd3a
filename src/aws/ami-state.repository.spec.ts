import { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
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

/**
 * The repository against a real DynamoDB (dynalite): what each conditional write applies
 * and refuses. This spec alone states DynamoDB expressions; the services' specs mock it.
 */
describe(AmiStateRepository.name, () => {
  let dynamoDb: LocalDynamoDb;
  let tableName: string;
  let repository: AmiStateRepository;
  let updates: UpdateCommandInput[];

  beforeAll(async () => {
    dynamoDb = await LocalDynamoDb.start('eu-west-1');
    dynamoDb.documentClient.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === 'UpdateItemCommand') updates.push(args.input as UpdateCommandInput);
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
  });

  /** Stores `item` and returns the record as the repository reads it. */
  async function stored(item: Record<string, unknown>): Promise<AmiRecord> {
    await dynamoDb.put(tableName, item);
    const parsed = parseAmiRecord(item);
    if (!parsed.valid) throw new Error(`test record is invalid: ${parsed.invalid.reason}`);
    return parsed.record;
  }

  const item = () => dynamoDb.get(tableName, 'AMI#linux-x64');
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
      expect(records.every((parsed) => parsed.valid)).toBe(true);
    });

    it('throws AmiStateUnavailableError when the table cannot be read', async () => {
      const missing = new AmiStateRepository(
        dynamoDb.documentClient,
        testConfig({ stateTableName: 'no-such-table' }),
      );

      await expect(missing.listAmiRecords()).rejects.toBeInstanceOf(AmiStateUnavailableError);
    });
  });

  describe('markReady', () => {
    it('sets the record ready with the AMI and a pending mark carrying the writer’s token', async () => {
      const record = await stored(building());

      const result = await repository.markReady(record, READY_3, NOW, 'unchanged-since-read', 'token-1');

      expect(result).toBe('applied');
      expect(await item()).toMatchObject({
        status: 'ready',
        ...READY_3,
        ssmPendingAmiId: AMI_3,
        ssmPendingToken: 'token-1',
        updatedAt: NOW,
      });
    });

    it('is superseded when another writer changed the record since it was read (reconciliation)', async () => {
      const record = await stored(building());
      await dynamoDb.put(tableName, { ...building(), updatedAt: '2026-11-23T11:59:00.000Z' });

      const result = await repository.markReady(record, READY_3, NOW, 'unchanged-since-read', 'token-1');

      expect(result).toBe('superseded');
      expect(await item()).toMatchObject({ status: 'building', updatedAt: '2026-11-23T11:59:00.000Z' });
    });

    it('applies a newer image whatever else changed the record (events)', async () => {
      const record = await stored(building());
      await dynamoDb.put(tableName, { ...building(), updatedAt: '2026-11-23T11:59:00.000Z' });

      const result = await repository.markReady(record, READY_3, NOW, 'newer-image', 'token-1');

      expect(result).toBe('applied');
    });

    it('refuses an image that is not newer than the one the record reflects, under either guard', async () => {
      const record = await stored({ ...building(), imageCreatedAt: READY_3.imageCreatedAt });

      const results = [
        await repository.markReady(record, READY_3, NOW, 'newer-image', 'token-1'),
        await repository.markReady(record, READY_3, NOW, 'unchanged-since-read', 'token-1'),
      ];

      expect(results).toEqual(['superseded', 'superseded']);
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

      expect(result).toBe('applied');
      expect(await item()).toMatchObject({
        status: 'failed',
        amiId: AMI_2,
        ssmPendingAmiId: AMI_2,
        errorMessage: 'Workflow step failed',
      });
    });
  });

  describe('clearSsmPendingIfCurrent', () => {
    it('removes the mark it read, token and all', async () => {
      const record = await stored({
        ...amiRecord('linux-x64', { status: 'ready', amiId: AMI_3, updatedAt: NOW }),
        ssmPendingAmiId: AMI_3,
        ssmPendingToken: 'token-1',
      });

      expect(await repository.clearSsmPendingIfCurrent(record, AMI_3)).toBe('applied');
      expect(await item()).not.toHaveProperty('ssmPendingAmiId');
      expect(await item()).not.toHaveProperty('ssmPendingToken');
    });

    it('leaves a mark another writer set since for the same AMI (finding 1)', async () => {
      const record = await stored({
        ...amiRecord('linux-x64', { status: 'ready', amiId: AMI_3, updatedAt: NOW }),
        ssmPendingAmiId: AMI_3,
        ssmPendingToken: 'token-1',
      });
      await dynamoDb.put(tableName, { ...(await item()), ssmPendingToken: 'token-2' });

      expect(await repository.clearSsmPendingIfCurrent(record, AMI_3)).toBe('superseded');
      expect(await item()).toMatchObject({ ssmPendingAmiId: AMI_3, ssmPendingToken: 'token-2' });
    });

    it('clears a mark written before tokens only while it has none', async () => {
      const record = await stored({
        ...amiRecord('linux-x64', { status: 'ready', amiId: AMI_3, updatedAt: NOW }),
        ssmPendingAmiId: AMI_3,
      });

      expect(await repository.clearSsmPendingIfCurrent(record, AMI_3)).toBe('applied');
    });
  });

  describe('markSsmPendingIfAmi', () => {
    it('marks the record for its AMI while it has that AMI', async () => {
      const record = await stored(amiRecord('linux-x64', { status: 'ready', amiId: AMI_3, updatedAt: NOW }));

      expect(await repository.markSsmPendingIfAmi(record, AMI_3, 'token-9')).toBe('applied');
      expect(await item()).toMatchObject({ ssmPendingAmiId: AMI_3, ssmPendingToken: 'token-9' });
    });

    it('is superseded once the record has another AMI', async () => {
      const record = await stored(amiRecord('linux-x64', { status: 'ready', amiId: AMI_2, updatedAt: NOW }));

      expect(await repository.markSsmPendingIfAmi(record, AMI_3, 'token-9')).toBe('superseded');
      expect(await item()).not.toHaveProperty('ssmPendingAmiId');
    });
  });

  describe('findAmiRecord', () => {
    it('reads by key, and says when the record is gone', async () => {
      await stored(building());

      expect(await repository.findAmiRecord('AMI#linux-x64')).toMatchObject({ valid: true });
      expect(await repository.findAmiRecord('AMI#windows-x64')).toBeUndefined();
    });
  });
});
