import { FakeAwsServer } from './fake-aws/fake-aws-server';
import { LocalDynamoDb } from './local-dynamodb';

export interface LocalAwsOptions {
  region?: string;
  tableName?: string;
}

/**
 * AWS on loopback for development and tests: dynalite with the state table, and the fake
 * SSM and Image Builder. The service reaches it only through the SDK's own endpoint
 * settings (`environment()`), exactly as it would reach real AWS.
 */
export class LocalAws {
  private constructor(
    readonly dynamoDb: LocalDynamoDb,
    readonly fake: FakeAwsServer,
    readonly fakeEndpoint: string,
    readonly region: string,
    readonly tableName: string,
  ) {}

  static async start({ region = 'eu-west-1', tableName = 'spot-runner-state' }: LocalAwsOptions = {}) {
    const dynamoDb = await LocalDynamoDb.start(region);
    await dynamoDb.createStateTable(tableName);
    const fake = new FakeAwsServer(region);
    const fakeEndpoint = await fake.listen();
    return new LocalAws(dynamoDb, fake, fakeEndpoint, region, tableName);
  }

  /** What the service needs in its environment to use this local AWS. */
  environment(): Record<string, string> {
    return {
      AWS_REGION: this.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: this.dynamoDb.endpoint,
      AWS_ENDPOINT_URL_SSM: this.fakeEndpoint,
      AWS_ENDPOINT_URL_IMAGEBUILDER: this.fakeEndpoint,
      STATE_TABLE_NAME: this.tableName,
    };
  }

  /** What a Lambda function on this local AWS has in its environment: nothing from the shell. */
  lambdaEnvironment(tableName = this.tableName): Record<string, string> {
    return {
      ...this.environment(),
      STATE_TABLE_NAME: tableName,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  }

  putItem(item: Record<string, unknown>): Promise<void> {
    return this.dynamoDb.put(this.tableName, item);
  }

  getItem(jobId: string): Promise<Record<string, unknown> | undefined> {
    return this.dynamoDb.get(this.tableName, jobId);
  }

  async stop(): Promise<void> {
    await Promise.all([this.fake.close(), this.dynamoDb.stop()]);
  }
}
