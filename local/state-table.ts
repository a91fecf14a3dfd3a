import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { AMI_RECORDS_INDEX, JOB_STATUS_INDEX, STATE_TABLE_KEY } from '../src/ami-state/state-table';

/**
 * The platform's state table (src/ami-state/state-table.ts): its key, the AMI records index
 * and the runner job records' status index, both projecting everything.
 * `withStatusIndex: false` makes a table without the latter, as a misdeployed one would be.
 */
export async function createStateTable(
  client: DynamoDBClient,
  tableName: string,
  { withStatusIndex = true } = {},
): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: STATE_TABLE_KEY, AttributeType: 'S' },
        { AttributeName: AMI_RECORDS_INDEX.partitionKey, AttributeType: 'S' },
        { AttributeName: AMI_RECORDS_INDEX.sortKey, AttributeType: 'S' },
        ...(withStatusIndex
          ? [
              { AttributeName: JOB_STATUS_INDEX.partitionKey, AttributeType: 'S' as const },
              { AttributeName: JOB_STATUS_INDEX.sortKey, AttributeType: 'S' as const },
            ]
          : []),
      ],
      KeySchema: [{ AttributeName: STATE_TABLE_KEY, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: AMI_RECORDS_INDEX.name,
          KeySchema: [
            { AttributeName: AMI_RECORDS_INDEX.partitionKey, KeyType: 'HASH' },
            { AttributeName: AMI_RECORDS_INDEX.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        ...(withStatusIndex
          ? [
              {
                IndexName: JOB_STATUS_INDEX.name,
                KeySchema: [
                  { AttributeName: JOB_STATUS_INDEX.partitionKey, KeyType: 'HASH' as const },
                  { AttributeName: JOB_STATUS_INDEX.sortKey, KeyType: 'RANGE' as const },
                ],
                Projection: { ProjectionType: 'ALL' as const },
              },
            ]
          : []),
      ],
    }),
  );
  // dynalite answers CreateTable before the table is ACTIVE; a write in between is refused.
  await waitUntilTableExists({ client, maxWaitTime: 10, minDelay: 1 }, { TableName: tableName });
}
