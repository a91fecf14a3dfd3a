import { Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, BillingMode, ITable, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export const AMI_RECORDS_INDEX = 'recordType-index';
/** The platform's index of runner job records: partition `status`, sort `createdAt`. */
export const JOB_STATUS_INDEX = 'status-index';

export interface StatusServiceStackProps extends StackProps {
  /** The platform's state table; imported by name unless `createStateTable`. */
  stateTableName: string;
  /** Create the table (key and both GSIs) for a standalone deploy, instead of importing it. */
  createStateTable?: boolean;
  configPrefix: string;
  pipelineNamePrefix: string;
  staleBuildingThresholdMinutes: number;
  /** Requests per second, and burst, that API Gateway lets through to the status function. */
  throttle: { rateLimit: number; burstLimit: number };
  /** Status containers at most: each cold one may call Image Builder. */
  statusReservedConcurrency: number;
  /** The production bundles (dist/lambda/status and dist/lambda/events). */
  code: { status: Code; events: Code };
  /** The platform's GitHub App, checked by GET /status; without an App id and secret, `not-configured`. */
  githubApp?: GitHubAppProps;
}

/** The status function's GitHub App variables; each one left out keeps the service's default. */
export interface GitHubAppProps {
  /** `GITHUB_APP_ID` */
  appId?: string;
  /** `PRIVATE_KEY_SECRET_ARN`, the secret's complete ARN: the one resource the function may read. */
  privateKeySecretArn?: string;
  /** `GITHUB_SERVER_URL` */
  serverUrl?: string;
}

/**
 * The status service: GET /status on an HTTP API, the AMI update function on Image
 * Builder's state change events, and the least privilege each needs.
 */
export class StatusServiceStack extends Stack {
  readonly statusFunction: Function;
  readonly eventsFunction: Function;

  constructor(scope: Construct, id: string, props: StatusServiceStackProps) {
    super(scope, id, props);
    const table = props.createStateTable
      ? this.createStateTable(props.stateTableName)
      : this.importStateTable(props);

    const environment = {
      STATE_TABLE_NAME: table.tableName,
      CONFIG_PREFIX: props.configPrefix,
      PIPELINE_NAME_PREFIX: props.pipelineNamePrefix,
      STALE_BUILDING_THRESHOLD_MINUTES: String(props.staleBuildingThresholdMinutes),
      // Ends well before the 30 s timeout, with room for the response.
      RECONCILIATION_BUDGET_SECONDS: '20',
    };
    // Image state changes that could not be delivered, or that failed every retry.
    const deadLetters = new Queue(this, 'AmiEventsDeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
    });
    this.statusFunction = this.nodeFunction('StatusFunction', {
      code: props.code.status,
      // Only GET /status checks the GitHub App: the events function gets none of its variables.
      environment: { ...environment, ...githubAppEnvironment(props.githubApp) },
      description: 'GET /status: AMI state of each runner preset, healing stale builds',
      timeout: Duration.seconds(30),
      reservedConcurrentExecutions: props.statusReservedConcurrency,
    });
    this.eventsFunction = this.nodeFunction('AmiEventsFunction', {
      code: props.code.events,
      environment,
      description: 'EC2 Image Builder image state changes: AMI record and SSM runner config',
      timeout: Duration.seconds(30),
      deadLetterQueue: deadLetters,
    });

    this.grantStatusFunction(table, props);
    this.grantTransitions(this.eventsFunction, table, props);
    this.exposeStatus(props);
    this.subscribeToImageStateChanges(deadLetters);
  }

  private nodeFunction(
    id: string,
    options: {
      code: Code;
      environment: Record<string, string>;
      description: string;
      timeout: Duration;
      reservedConcurrentExecutions?: number;
      deadLetterQueue?: Queue;
    },
  ): Function {
    const logGroup = new LogGroup(this, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    return new Function(this, id, {
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      handler: 'index.handler',
      // Cold start is CPU-bound (module loading); 1024 MB buys ~0.6 vCPU. See README, Deploy.
      memorySize: 1024,
      logGroup,
      ...options,
    });
  }

  private importStateTable(props: StatusServiceStackProps): ITable {
    return Table.fromTableAttributes(this, 'StateTable', {
      tableName: props.stateTableName,
      globalIndexes: [AMI_RECORDS_INDEX, JOB_STATUS_INDEX],
    });
  }

  private createStateTable(tableName: string): ITable {
    const table = new Table(this, 'StateTable', {
      tableName,
      partitionKey: { name: 'jobId', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    table.addGlobalSecondaryIndex({
      indexName: AMI_RECORDS_INDEX,
      partitionKey: { name: 'recordType', type: AttributeType.STRING },
      sortKey: { name: 'updatedAt', type: AttributeType.STRING },
    });
    table.addGlobalSecondaryIndex({
      indexName: JOB_STATUS_INDEX,
      partitionKey: { name: 'status', type: AttributeType.STRING },
      sortKey: { name: 'createdAt', type: AttributeType.STRING },
    });
    return table;
  }

  /**
   * Reads every AMI record, repairs stale ones: Image Builder reads, SSM config writes;
   * and reads the GitHub App's private key, when there is one.
   */
  private grantStatusFunction(table: ITable, props: StatusServiceStackProps): void {
    const fn = this.statusFunction;
    fn.addToRolePolicy(
      new PolicyStatement({
        // The AMI records, and the counts of runner job records; never the table itself.
        sid: 'QueryAmiRecordsAndJobCounts',
        actions: ['dynamodb:Query'],
        resources: [
          `${table.tableArn}/index/${AMI_RECORDS_INDEX}`,
          `${table.tableArn}/index/${JOB_STATUS_INDEX}`,
        ],
      }),
    );
    this.grantTransitions(fn, table, props);
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'FindPipelines',
        // ListImagePipelines has no resource type: "*" is the only resource it accepts.
        actions: ['imagebuilder:ListImagePipelines'],
        resources: ['*'],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'ListPresetPipelineImages',
        actions: ['imagebuilder:ListImagePipelineImages'],
        // Pipeline ARNs carry the pipeline name in lower case.
        resources: [this.arn('imagebuilder', `image-pipeline/${props.pipelineNamePrefix.toLowerCase()}*`)],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'VerifyRunnerConfigs',
        // Every ready preset's runner config is read 10 at a time and compared to its record.
        actions: ['ssm:GetParameters'],
        resources: [this.arn('ssm', `parameter${props.configPrefix}/*`)],
      }),
    );
    const secretArn = props.githubApp?.privateKeySecretArn;
    if (secretArn) {
      fn.addToRolePolicy(
        new PolicyStatement({
          sid: 'ReadGitHubAppPrivateKey',
          // The GitHub check reads the key's SecretString and nothing else, from this one secret.
          actions: ['secretsmanager:GetSecretValue'],
          resources: [secretArn],
        }),
      );
    }
  }

  /** What moving a record needs, on either path: read and conditionally update it, read the image, write SSM. */
  private grantTransitions(fn: Function, table: ITable, props: StatusServiceStackProps): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'MoveAmiRecords',
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'ReadImages',
        // Image ARNs carry the recipe name, not the pipeline's: they cannot be narrowed by prefix.
        actions: ['imagebuilder:GetImage'],
        resources: [this.arn('imagebuilder', 'image/*')],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'UpdateRunnerConfigs',
        actions: ['ssm:GetParameter', 'ssm:PutParameter'],
        resources: [this.arn('ssm', `parameter${props.configPrefix}/*`)],
      }),
    );
  }

  /**
   * An HTTP API: Lambda proxy v2, cheaper and faster than a REST API, and its stage
   * throttling is all this unauthenticated endpoint needs (no usage plans or API keys).
   */
  private exposeStatus(props: StatusServiceStackProps): void {
    const api = new HttpApi(this, 'StatusApi', {
      description: 'Spot runner status',
      createDefaultStage: false,
    });
    api.addRoutes({
      path: '/status',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('StatusIntegration', this.statusFunction),
    });
    new HttpStage(this, 'StatusApiStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
    });
  }

  /**
   * EventBridge delivers asynchronously: its retry policy and DLQ cover delivery; the
   * function's own async retries and DLQ cover the handler failing (a transient error).
   */
  private subscribeToImageStateChanges(deadLetters: Queue): void {
    this.eventsFunction.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6) });
    new Rule(this, 'ImageStateChangeRule', {
      description: 'EC2 Image Builder image state changes, to the AMI update function',
      eventPattern: { source: ['aws.imagebuilder'], detailType: ['EC2 Image Builder Image State Change'] },
      targets: [
        new LambdaFunction(this.eventsFunction, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
          deadLetterQueue: deadLetters,
        }),
      ],
    });
  }

  private arn(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.region}:${this.account}:${resource}`;
  }
}

/** The GitHub App's variables that were given; the service defaults the others. */
function githubAppEnvironment(githubApp: GitHubAppProps = {}): Record<string, string> {
  const variables = {
    GITHUB_APP_ID: githubApp.appId,
    PRIVATE_KEY_SECRET_ARN: githubApp.privateKeySecretArn,
    GITHUB_SERVER_URL: githubApp.serverUrl,
  };
  return Object.fromEntries(
    Object.entries(variables).filter((variable): variable is [string, string] => Boolean(variable[1])),
  );
}
