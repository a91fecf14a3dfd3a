import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';

/**
 * The platform's state table: `jobId` key, the `recordType-index` GSI that finds AMI
 * records and the `status-index` GSI (`status` + `createdAt`) of the runner job records.
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
        { AttributeName: 'jobId', AttributeType: 'S' },
        { AttributeName: 'recordType', AttributeType: 'S' },
        { AttributeName: 'updatedAt', AttributeType: 'S' },
        ...(withStatusIndex
          ? [
              { AttributeName: 'status', AttributeType: 'S' as const },
              { AttributeName: 'createdAt', AttributeType: 'S' as const },
            ]
          : []),
      ],
      KeySchema: [{ AttributeName: 'jobId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'recordType-index',
          KeySchema: [
            { AttributeName: 'recordType', KeyType: 'HASH' },
            { AttributeName: 'updatedAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        ...(withStatusIndex
          ? [
              {
                IndexName: 'status-index',
                KeySchema: [
                  { AttributeName: 'status', KeyType: 'HASH' as const },
                  { AttributeName: 'createdAt', KeyType: 'RANGE' as const },
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
