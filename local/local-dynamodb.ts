import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { amiJobId } from '../src/ami-state/ami-record';
import { AMI_RECORD_TYPE, STATE_TABLE_KEY } from '../src/ami-state/state-table';
import { createStateTable } from './state-table';

/** dynalite, in memory in this process, on a loopback port. */
export class LocalDynamoDb {
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  private tableCount = 0;

  private constructor(
    private readonly server: ReturnType<typeof dynalite>,
    readonly endpoint: string,
    region: string,
  ) {
    this.client = new DynamoDBClient({
      region,
      endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    this.documentClient = DynamoDBDocumentClient.from(this.client);
  }

  static async start(region: string, port = 0): Promise<LocalDynamoDb> {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return new LocalDynamoDb(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region);
  }

  /** A new, empty state table; the name is made unique unless given. */
  async createStateTable(
    tableName = `spot-runner-state-${++this.tableCount}`,
    options: { withStatusIndex?: boolean } = {},
  ): Promise<string> {
    await createStateTable(this.client, tableName, options);
    return tableName;
  }

  async deleteTable(tableName: string): Promise<void> {
    await this.client.send(new DeleteTableCommand({ TableName: tableName }));
  }

  async put(tableName: string, item: Record<string, unknown>): Promise<void> {
    await this.documentClient.send(new PutCommand({ TableName: tableName, Item: item }));
  }

  /** Writes `items` 25 at a time (BatchWriteItem), retrying what DynamoDB leaves unprocessed. */
  async putAll(tableName: string, items: readonly Record<string, unknown>[]): Promise<void> {
    for (let start = 0; start < items.length; start += 25) {
      let requests = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const { UnprocessedItems } = await this.documentClient.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: requests } }),
        );
        requests = (UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
  }

  async get(tableName: string, jobId: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.documentClient.send(
      new GetCommand({ TableName: tableName, Key: { [STATE_TABLE_KEY]: jobId }, ConsistentRead: true }),
    );
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
    imageCreatedAt?: string;
  },
): Record<string, unknown> {
  return { jobId: amiJobId(presetName), recordType: AMI_RECORD_TYPE, presetName, amiId: null, ...fields };
}

/** A runner job record as the platform's webhook side writes it (7 days of ttl). */
export function jobRecord(
  jobId: string | number,
  status: string,
  createdAt: string | undefined,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  const created = createdAt === undefined ? undefined : Date.parse(createdAt);
  return {
    jobId: String(jobId),
    status,
    ...(createdAt !== undefined && { createdAt, updatedAt: createdAt }),
    ...(created !== undefined && !Number.isNaN(created) && { ttl: Math.floor(created / 1000) + 7 * 86_400 }),
    repository: 'spot-runner/example',
    ...fields,
  };
}
