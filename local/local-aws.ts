import { GitHubAppConfig, parseGitHubAppConfig } from '../src/config/app-config';
import { DynamoDbFaultProxy } from './fake-aws/dynamodb-fault-proxy';
import { FakeAwsServer } from './fake-aws/fake-aws-server';
import { FakeGitHub } from './fake-github';
import { amiRecord, LocalDynamoDb } from './local-dynamodb';

/** The name of the secret holding the fake GitHub App's private key. */
export const PRIVATE_KEY_SECRET_NAME = 'spot-runner/github-app-private-key';

export interface LocalAwsOptions {
  region?: string;
  tableName?: string;
  /** `false`: the service reaches dynalite directly, without the fault proxy's hop (benchmarks). */
  dynamoDbFaultProxy?: boolean;
}

/**
 * AWS on loopback for development and tests: dynalite with the state table behind a fault
 * proxy (`dynamoDbFaults`: latency, throttling, 500s, unanswered and ghost writes), the fake
 * SSM, Image Builder and Secrets Manager, and beside them a fake GitHub Enterprise Server
 * whose App's private key is stored in the fake secret. The service reaches it only through
 * the SDK's own endpoint settings and `GITHUB_SERVER_URL` (`environment()`), exactly as it
 * would reach real AWS and GitHub; its DynamoDB calls go through the proxy, while the test's
 * own helpers (`dynamoDb`, `putItem`, `getItem`) use dynalite directly.
 */
export class LocalAws {
  /** Where the service reaches DynamoDB: the fault proxy, unless started without it. */
  dynamoDbEndpoint = '';
  /** The ARN of the secret holding the GitHub App's key (seeded again by `reset()`). */
  privateKeySecretArn = '';

  private constructor(
    readonly dynamoDb: LocalDynamoDb,
    readonly dynamoDbFaults: DynamoDbFaultProxy,
    readonly fake: FakeAwsServer,
    readonly fakeEndpoint: string,
    readonly github: FakeGitHub,
    readonly region: string,
    readonly tableName: string,
  ) {
    this.seedPrivateKeySecret();
  }

  static async start({
    region = 'eu-west-1',
    tableName = 'spot-runner-state',
    dynamoDbFaultProxy = true,
  }: LocalAwsOptions = {}) {
    const dynamoDb = await LocalDynamoDb.start(region);
    await dynamoDb.createStateTable(tableName);
    const fake = new FakeAwsServer(region);
    const [dynamoDbFaults, fakeEndpoint, github] = await Promise.all([
      DynamoDbFaultProxy.start(dynamoDb.endpoint),
      fake.listen(),
      FakeGitHub.start(),
    ]);
    const localAws = new LocalAws(dynamoDb, dynamoDbFaults, fake, fakeEndpoint, github, region, tableName);
    localAws.dynamoDbEndpoint = dynamoDbFaultProxy ? dynamoDbFaults.endpoint : dynamoDb.endpoint;
    return localAws;
  }

  /**
   * Forgets the fakes' state, calls and controls, and the DynamoDB proxy's calls and controls
   * (not the table's items); the GitHub App's key is stored again.
   */
  reset(): void {
    this.fake.reset();
    this.dynamoDbFaults.resetControls();
    this.github.reset();
    this.seedPrivateKeySecret();
  }

  /** The service's GitHub App configuration for this local AWS, as the environment gives it. */
  githubConfig(overrides: Partial<GitHubAppConfig> = {}): GitHubAppConfig {
    // Parsed from the same environment a local Lambda gets, so the two cannot drift apart.
    return { ...parseGitHubAppConfig(this.environment()), ...overrides };
  }

  private seedPrivateKeySecret(): void {
    // GitHub hands out App keys as PKCS#1 ("BEGIN RSA PRIVATE KEY"): stored as operators do.
    this.privateKeySecretArn = this.fake.secretsManager.putSecret(
      PRIVATE_KEY_SECRET_NAME,
      this.github.app.pkcs1PrivateKeyPem,
    );
  }

  /** What the service needs in its environment to use this local AWS. */
  environment(): Record<string, string> {
    return {
      AWS_REGION: this.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: this.dynamoDbEndpoint,
      AWS_ENDPOINT_URL_SSM: this.fakeEndpoint,
      AWS_ENDPOINT_URL_IMAGEBUILDER: this.fakeEndpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: this.fakeEndpoint,
      STATE_TABLE_NAME: this.tableName,
      GITHUB_APP_ID: String(this.github.app.id),
      PRIVATE_KEY_SECRET_ARN: this.privateKeySecretArn,
      GITHUB_SERVER_URL: this.github.serverUrl,
    };
  }

  /**
   * What a Lambda function on this local AWS has in its environment: nothing from the shell.
   * `githubApp: false` leaves the App's id and secret out: the GitHub check is off.
   */
  lambdaEnvironment(tableName = this.tableName, { githubApp = true } = {}): Record<string, string> {
    const { GITHUB_APP_ID: _appId, PRIVATE_KEY_SECRET_ARN: _secret, ...withoutApp } = this.environment();
    return {
      ...(githubApp ? this.environment() : withoutApp),
      STATE_TABLE_NAME: tableName,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
  }

  /**
   * A ready preset as the platform has it: its AMI record in `tableName`, its runner config
   * (under the default CONFIG_PREFIX) holding that AMI, and its pipeline, enabled.
   */
  async putReadyPreset(
    tableName: string,
    presetName: string,
    amiId: string,
    updatedAt: string,
  ): Promise<void> {
    await this.dynamoDb.put(tableName, amiRecord(presetName, { status: 'ready', amiId, updatedAt }));
    this.fake.imageBuilder.createPipeline(`spot-runner-${presetName}`);
    this.fake.ssm.setParameter(
      `/spot-runner/configs/${presetName}`,
      JSON.stringify({ ami: amiId, platform: 'linux' }),
    );
  }

  putItem(item: Record<string, unknown>): Promise<void> {
    return this.dynamoDb.put(this.tableName, item);
  }

  getItem(jobId: string): Promise<Record<string, unknown> | undefined> {
    return this.dynamoDb.get(this.tableName, jobId);
  }

  async stop(): Promise<void> {
    // dynalite waits for its connections to end: the proxy's go first.
    await Promise.all([
      this.fake.close(),
      this.github.close(),
      this.dynamoDbFaults.close().then(() => this.dynamoDb.stop()),
    ]);
  }
}
