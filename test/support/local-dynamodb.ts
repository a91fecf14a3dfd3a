import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';

export const TEST_REGION = 'eu-west-1';

/**
 * dynalite in this process, reached by the service's clients only through the SDK's own
 * AWS_ENDPOINT_URL_DYNAMODB setting. Call `stop()` in afterAll.
 */
export async function startLocalDynamoDb(): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
  return new LocalDynamoDb(server, endpoint);
}

export class LocalDynamoDb {
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  private tableCount = 0;

  constructor(
    private readonly server: ReturnType<typeof dynalite>,
    readonly endpoint: string,
  ) {
    this.client = new DynamoDBClient({ region: TEST_REGION, endpoint });
    this.documentClient = DynamoDBDocumentClient.from(this.client);
  }

  /** A fresh state table, shaped as the platform's: `jobId` key, recordType and status GSIs. */
  async createStateTable(): Promise<string> {
    const tableName = `spot-runner-state-${++this.tableCount}`;
    await this.client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'jobId', AttributeType: 'S' },
          { AttributeName: 'recordType', AttributeType: 'S' },
          { AttributeName: 'updatedAt', AttributeType: 'S' },
          { AttributeName: 'status', AttributeType: 'S' },
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
          {
            IndexName: 'status-index',
            KeySchema: [
              { AttributeName: 'status', KeyType: 'HASH' },
              { AttributeName: 'updatedAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
    return tableName;
  }

  async deleteTable(tableName: string): Promise<void> {
    await this.client.send(new DeleteTableCommand({ TableName: tableName }));
  }

  async put(tableName: string, item: Record<string, unknown>): Promise<void> {
    await this.documentClient.send(new PutCommand({ TableName: tableName, Item: item }));
  }

  async get(tableName: string, jobId: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.documentClient.send(new GetCommand({ TableName: tableName, Key: { jobId } }));
    return Item;
  }

  async stop(): Promise<void> {
    this.client.destroy();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }
}

/** An AMI record as the platform writes it. */
export function amiRecord(
  presetName: string,
  fields: {
    status: string;
    updatedAt: string;
    amiId?: string | null;
    buildId?: string;
    errorMessage?: string;
  },
): Record<string, unknown> {
  return { jobId: `AMI#${presetName}`, recordType: 'AMI', presetName, amiId: null, ...fields };
}
