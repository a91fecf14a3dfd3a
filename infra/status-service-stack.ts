import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  Alarm,
  ComparisonOperator,
  IMetric,
  MathExpression,
  Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, ITable, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AmiStatus } from '../src/ami-state/ami-record';
import { AMI_RECORDS_INDEX, JOB_STATUS_INDEX, STATE_TABLE_KEY } from '../src/ami-state/state-table';
import { METRICS_SERVICE } from '../src/common/service-name';
import { DIMENSION_NAMES, METRIC_NAMES, METRICS_NAMESPACE, MetricName } from '../src/metrics/metric-names';

/** Both functions' runtime; the bundles target its Node (scripts/lambda-bundling.mjs). */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

export interface StatusServiceStackProps extends StackProps {
  /** The platform's state table; imported by name unless `createStateTable`. */
  stateTableName: string;
  /** Create the table (key and both GSIs) for a standalone deploy, instead of importing it. */
  createStateTable?: boolean;
  configPrefix: string;
  pipelineNamePrefix: string;
  staleBuildingThresholdMinutes: number;
  /** `JOB_MAX_RUNTIME_HOURS` of the status function: the longest a job runs, for the runner counts. */
  jobMaxRuntimeHours: number;
  /** Requests per second, and burst, that API Gateway lets through to the status function. */
  throttle: { rateLimit: number; burstLimit: number };
  /** Status containers at most: each cold one may call Image Builder. */
  statusReservedConcurrency: number;
  /** The production bundles (dist/lambda/status and dist/lambda/events). */
  code: { status: Code; events: Code };
  /** The platform's GitHub App, checked by GET /status; without an App id and secret, `not-configured`. */
  githubApp?: GitHubAppProps;
  /** The oldest pending job's wait, in minutes, past which the JobWaitTooLong alarm fires. */
  jobWaitAlarmMinutes: number;
  /** An existing SNS topic every alarm notifies, on ALARM and back to OK; without it, the alarms notify no one. */
  alarmTopicArn?: string;
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
      environment: {
        ...environment,
        JOB_MAX_RUNTIME_HOURS: String(props.jobMaxRuntimeHours),
        ...githubAppEnvironment(props.githubApp),
      },
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
    const api = this.exposeStatus(props);
    this.subscribeToImageStateChanges(deadLetters);
    this.addAlarms(deadLetters, props);

    new CfnOutput(this, 'StatusUrl', {
      description: 'GET this URL for the status of the runner presets',
      value: `${api.apiEndpoint}/status`,
    });
    new CfnOutput(this, 'StatusFunctionName', {
      description: 'The status function (GET /status), for its logs and metrics',
      value: this.statusFunction.functionName,
    });
    new CfnOutput(this, 'AmiEventsFunctionName', {
      description: 'The AMI update function (Image Builder image state changes), for its logs and metrics',
      value: this.eventsFunction.functionName,
    });
    new CfnOutput(this, 'AmiEventsDeadLetterQueueUrl', {
      description:
        'Image state changes that could not be delivered or handled: see docs/operations.md, Monitoring',
      value: deadLetters.queueUrl,
    });
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
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      handler: 'index.handler',
      // Cold start is CPU-bound (module loading); 1024 MB buys ~0.6 vCPU. See docs/operations.md, Deploy.
      memorySize: 1024,
      logGroup,
      ...options,
    });
  }

  private importStateTable(props: StatusServiceStackProps): ITable {
    return Table.fromTableAttributes(this, 'StateTable', {
      tableName: props.stateTableName,
      globalIndexes: [AMI_RECORDS_INDEX.name, JOB_STATUS_INDEX.name],
    });
  }

  private createStateTable(tableName: string): ITable {
    const table = new Table(this, 'StateTable', {
      tableName,
      partitionKey: { name: STATE_TABLE_KEY, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of [AMI_RECORDS_INDEX, JOB_STATUS_INDEX]) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      });
    }
    return table;
  }

  /**
   * Reads every AMI record, heals stale ones: Image Builder reads, SSM config writes;
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
          `${table.tableArn}/index/${AMI_RECORDS_INDEX.name}`,
          `${table.tableArn}/index/${JOB_STATUS_INDEX.name}`,
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
  private exposeStatus(props: StatusServiceStackProps): HttpApi {
    const api = new HttpApi(this, 'StatusApi', {
      description: 'Spot runner status',
      createDefaultStage: false,
    });
    api.addRoutes({
      path: '/status',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('StatusIntegration', this.statusFunction),
    });
    const accessLogs = new LogGroup(this, 'StatusApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new HttpStage(this, 'StatusApiStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    return api;
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

  /**
   * What an operator must look at, each alarm saying what it means and what to do
   * (docs/operations.md, Monitoring). Every one treats missing data as fine: no message, no
   * error, no request.
   */
  private addAlarms(deadLetters: Queue, props: StatusServiceStackProps): void {
    const fiveMinutes = Duration.minutes(5);
    const presetsCorrectedTo = (state: AmiStatus) =>
      this.serviceMetric(METRIC_NAMES.presetsCorrected, { [DIMENSION_NAMES.targetState]: state });
    const alarms = [
      this.alarm('AmiEventsDeadLetters', {
        metric: deadLetters.metricApproximateNumberOfMessagesVisible({
          period: fiveMinutes,
          statistic: Stats.MAXIMUM,
        }),
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        threshold: 1,
        evaluationPeriods: 1,
        alarmDescription:
          'An Image Builder image state change is in the AMI events dead-letter queue: EventBridge could not ' +
          'deliver it, or the AMI update function failed on it after every retry, so its preset’s AMI record ' +
          'and runner config may be behind. Read the message (the event, and the error in its attributes), ' +
          'find the image ARN in the AMI update function’s logs, fix the cause, then GET /status (it heals a ' +
          'record stuck in building) and delete the message. docs/operations.md, Monitoring.',
      }),
      this.alarm('StatusFunctionErrors', {
        metric: this.statusFunction.metricErrors({ period: fiveMinutes, statistic: Stats.SUM }),
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        threshold: 1,
        evaluationPeriods: 1,
        alarmDescription:
          'The status function failed an invocation in the last 5 minutes: a timeout, running out of ' +
          'memory, or an error outside the application (not a startup error: that answers 500 and logs ' +
          '"startup-failed"). That GET /status got API Gateway’s own error instead of the service’s answer. ' +
          'Read the function’s log for the error and the REPORT line (duration, memory) of that request. ' +
          'docs/operations.md, Monitoring.',
      }),
      this.alarm('AmiEventsFunctionErrors', {
        metric: this.eventsFunction.metricErrors({ period: fiveMinutes, statistic: Stats.SUM }),
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        threshold: 1,
        evaluationPeriods: 1,
        alarmDescription:
          'The AMI update function threw on an image state change in the last 5 minutes (Image Builder, ' +
          'DynamoDB or SSM failing, the deadline, or a bad configuration variable, named in the log): Lambda ' +
          'retries the event twice, then it goes to the dead-letter queue. Read the function’s log for the ' +
          'error; a lasting one also fires the dead-letter alarm. docs/operations.md, Monitoring.',
      }),
      this.alarm('LostAmiEventHealed', {
        metric: new MathExpression({
          // A series with no value in the period counts 0, so a heal to one state alone alarms.
          expression: 'FILL(ready, 0) + FILL(failed, 0)',
          usingMetrics: { ready: presetsCorrectedTo('ready'), failed: presetsCorrectedTo('failed') },
          label: 'Presets corrected by reconciliation',
          period: fiveMinutes,
        }),
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        threshold: 1,
        evaluationPeriods: 1,
        alarmDescription:
          'GET /status healed a preset stuck in building: its Image Builder state change event was lost (or ' +
          'dead-lettered), and reconciliation moved the AMI record to ready or failed and set its runner ' +
          'config. Nothing is broken now; find the preset in the status function’s log (outcome "corrected"), ' +
          'check the dead-letter queue and the EventBridge rule, and look for a pattern if it recurs. ' +
          'docs/operations.md, Monitoring.',
      }),
      this.alarm('JobWaitTooLong', {
        metric: this.serviceMetric(METRIC_NAMES.oldestPendingJobAgeSeconds, {}, Stats.MAXIMUM),
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        threshold: props.jobWaitAlarmMinutes * 60,
        evaluationPeriods: 1,
        alarmDescription:
          `A GET /status found a pending job that has waited more than ${props.jobWaitAlarmMinutes} minutes ` +
          'for a runner: the webhook side is not launching runners for it (spot capacity, quotas, the ' +
          'preset’s AMI or runner config, or a job record left pending). GET /status and read queue and ' +
          'findings, then the webhook side’s logs for launch errors. docs/operations.md, Monitoring.',
      }),
    ];
    // Without an App the check is `not-configured`, which would keep this alarm firing.
    if (props.githubApp?.appId || props.githubApp?.privateKeySecretArn) {
      alarms.push(
        this.alarm('GitHubNotConnected', {
          metric: this.serviceMetric(METRIC_NAMES.githubConnected, {}, Stats.MAXIMUM),
          comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
          threshold: 1,
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
          alarmDescription:
            'No GET /status found the platform’s GitHub App connected for 15 minutes: without the App no job ' +
            'runs. GET /status and read github.status (auth_error, error, unreachable, not-configured), and ' +
            'the reason in the status function’s log (outcome the same name); fix the key secret, the App id ' +
            'or the App on GitHub. A fixed key shows within 30 s. docs/operations.md, Monitoring.',
        }),
      );
    }
    if (props.alarmTopicArn) {
      const notify = new SnsAction(Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn));
      for (const alarm of alarms) {
        alarm.addAlarmAction(notify);
        alarm.addOkAction(notify);
      }
    }
  }

  private alarm(
    id: string,
    options: {
      metric: IMetric;
      comparisonOperator: ComparisonOperator;
      threshold: number;
      evaluationPeriods: number;
      datapointsToAlarm?: number;
      alarmDescription: string;
    },
  ): Alarm {
    return new Alarm(this, id, {
      alarmName: `${this.stackName}-${id}`,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      ...options,
    });
  }

  /** One of the service's own metrics (Powertools Metrics adds the `service` dimension). */
  private serviceMetric(
    metricName: MetricName,
    dimensions: Record<string, string>,
    statistic: string = Stats.SUM,
  ): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: METRICS_SERVICE, ...dimensions },
      statistic,
      period: Duration.minutes(5),
    });
  }

  private arn(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.region}:${this.account}:${resource}`;
  }
}

/** One JSON line per request, in API Gateway's HTTP API context variables. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  userAgent: '$context.identity.userAgent',
};

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
