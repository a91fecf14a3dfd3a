import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { StatusServiceStack, StatusServiceStackProps } from './status-service-stack';

const ACCOUNT_AND_REGION = { account: '123456789012', region: 'eu-west-1' };
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:spot-runner/github-app-AbCdEf';

function synthesize(overrides: Partial<StatusServiceStackProps> = {}): Template {
  const app = new App();
  const stack = new StatusServiceStack(app, 'StatusService', {
    env: ACCOUNT_AND_REGION,
    stateTableName: 'spot-runner-state',
    configPrefix: '/spot-runner/configs',
    pipelineNamePrefix: 'spot-runner-',
    staleBuildingThresholdMinutes: 30,
    jobMaxRuntimeHours: 6,
    throttle: { rateLimit: 5, burstLimit: 10 },
    statusReservedConcurrency: 5,
    jobWaitAlarmMinutes: 60,
    code: { status: Code.fromInline('exports.handler = 1'), events: Code.fromInline('exports.handler = 2') },
    ...overrides,
  });
  return Template.fromStack(stack);
}

type Statement = { Action: string | string[]; Resource: unknown; Sid?: string };

type FunctionProperties = {
  Description: string;
  Role: { 'Fn::GetAtt': string[] };
  Environment: { Variables: Record<string, unknown> };
};

/** The properties of the function with this description prefix. */
function functionOf(template: Template, functionDescription: string): FunctionProperties {
  const functions = Object.values(template.findResources('AWS::Lambda::Function')) as {
    Properties: FunctionProperties;
  }[];
  return functions.find((resource) => resource.Properties.Description.startsWith(functionDescription))!
    .Properties;
}

/** The logical id of the function with this description prefix. */
function functionIdOf(template: Template, functionDescription: string): string {
  const functions = Object.entries(template.findResources('AWS::Lambda::Function')) as [
    string,
    { Properties: FunctionProperties },
  ][];
  return functions.find(([, resource]) =>
    resource.Properties.Description.startsWith(functionDescription),
  )![0];
}

const logicalIdsOf = (template: Template, type: string) => Object.keys(template.findResources(type));

const variablesOf = (template: Template, functionDescription: string) =>
  functionOf(template, functionDescription).Environment.Variables;

/** Every statement of every inline policy of the role of the function with this description prefix. */
function statementsOf(template: Template, functionDescription: string): Statement[] {
  const roleId = functionOf(template, functionDescription).Role['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy).includes(`"${roleId}"`))
    .flatMap(
      (policy) =>
        (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
          .Statement,
    );
}

const actions = (statements: Statement[]) =>
  statements.flatMap((statement) => [statement.Action].flat()).sort();

/** A resource as IAM will see it, with `${AWS::Partition}` for the one token left. */
function resourceText(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  const [separator, parts] = (resource as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return parts
    .map((part) => (typeof part === 'string' ? part : '${' + (part as { Ref: string }).Ref + '}'))
    .join(separator);
}

const arn = (service: string, resource: string) =>
  'arn:${AWS::Partition}:' + `${service}:eu-west-1:123456789012:${resource}`;

describe('StatusServiceStack', () => {
  const template = synthesize();

  it('runs the status function on Node.js 24, arm64, with a 30 s timeout, its configuration and reserved concurrency', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^GET /status'),
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 30,
      MemorySize: 1024,
      ReservedConcurrentExecutions: 5,
      Environment: {
        Variables: {
          STATE_TABLE_NAME: 'spot-runner-state',
          CONFIG_PREFIX: '/spot-runner/configs',
          PIPELINE_NAME_PREFIX: 'spot-runner-',
          STALE_BUILDING_THRESHOLD_MINUTES: '30',
          RECONCILIATION_BUDGET_SECONDS: '20',
          JOB_MAX_RUNTIME_HOURS: '6',
        },
      },
    });
  });

  it('keeps each function’s logs and the API’s access log for a month', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 3);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('sends Image Builder image state changes to the AMI update function, with retries and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.imagebuilder'], 'detail-type': ['EC2 Image Builder Image State Change'] },
      Targets: [
        Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 },
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^EC2 Image Builder'),
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      DeadLetterConfig: { TargetArn: Match.anyValue() },
    });
    template.resourceCountIs('AWS::SQS::Queue', 1);
  });

  it('serves GET /status on an HTTP API stage with throttling', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /status' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
    });
  });

  it('writes a JSON access log line per request to its own log group', () => {
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as {
      Properties: { AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': string[] }; Format: string } };
    };
    const { DestinationArn, Format } = stage.Properties.AccessLogSettings;

    expect(logicalIdsOf(template, 'AWS::Logs::LogGroup')).toContain(DestinationArn['Fn::GetAtt'][0]);
    expect(DestinationArn['Fn::GetAtt'][1]).toBe('Arn');
    expect(JSON.parse(Format)).toEqual({
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
    });
  });

  it('outputs the status URL, both function names and the dead-letter queue URL', () => {
    const [api] = logicalIdsOf(template, 'AWS::ApiGatewayV2::Api');
    const [queue] = logicalIdsOf(template, 'AWS::SQS::Queue');

    template.hasOutput('StatusUrl', {
      Value: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [api, 'ApiEndpoint'] }, '/status']] },
    });
    template.hasOutput('StatusFunctionName', { Value: { Ref: functionIdOf(template, 'GET /status') } });
    template.hasOutput('AmiEventsFunctionName', {
      Value: { Ref: functionIdOf(template, 'EC2 Image Builder') },
    });
    template.hasOutput('AmiEventsDeadLetterQueueUrl', { Value: { Ref: queue } });
  });

  it('imports the platform’s state table by default', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
  });

  it('creates the state table with its key and both GSIs for a standalone deploy', () => {
    synthesize({ createStateTable: true }).hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'spot-runner-state',
      KeySchema: [{ AttributeName: 'jobId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'recordType-index',
          KeySchema: [
            { AttributeName: 'recordType', KeyType: 'HASH' },
            { AttributeName: 'updatedAt', KeyType: 'RANGE' },
          ],
        }),
        Match.objectLike({
          IndexName: 'status-index',
          KeySchema: [
            { AttributeName: 'status', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
        }),
      ],
    });
  });

  describe('least privilege', () => {
    const status = statementsOf(template, 'GET /status');
    const events = statementsOf(template, 'EC2 Image Builder');

    it('grants the status function exactly what reconciliation calls', () => {
      expect(actions(status)).toEqual([
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'imagebuilder:GetImage',
        'imagebuilder:ListImagePipelineImages',
        'imagebuilder:ListImagePipelines',
        'ssm:GetParameter',
        'ssm:GetParameters',
        'ssm:PutParameter',
      ]);
    });

    it('grants the AMI update function what a transition calls, and sending to its dead-letter queue', () => {
      expect(actions(events)).toEqual([
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'imagebuilder:GetImage',
        'sqs:SendMessage',
        'ssm:GetParameter',
        'ssm:PutParameter',
      ]);
    });

    it('scopes each action to its resources; ListImagePipelines alone has "*"', () => {
      const resourceOf = (action: string) =>
        resourceText(status.find((statement) => [statement.Action].flat().includes(action))?.Resource);
      expect(resourceOf('imagebuilder:ListImagePipelines')).toBe('*');
      const queried = status.find((statement) =>
        [statement.Action].flat().includes('dynamodb:Query'),
      )?.Resource;
      expect((queried as unknown[]).map(resourceText)).toEqual([
        arn('dynamodb', 'table/spot-runner-state/index/recordType-index'),
        arn('dynamodb', 'table/spot-runner-state/index/status-index'),
      ]);
      expect(resourceOf('dynamodb:GetItem')).toBe(arn('dynamodb', 'table/spot-runner-state'));
      expect(resourceOf('dynamodb:UpdateItem')).toBe(arn('dynamodb', 'table/spot-runner-state'));
      expect(resourceOf('imagebuilder:ListImagePipelineImages')).toBe(
        arn('imagebuilder', 'image-pipeline/spot-runner-*'),
      );
      expect(resourceOf('imagebuilder:GetImage')).toBe(arn('imagebuilder', 'image/*'));
      expect(resourceOf('ssm:GetParameter')).toBe(arn('ssm', 'parameter/spot-runner/configs/*'));
      expect(resourceOf('ssm:PutParameter')).toBe(arn('ssm', 'parameter/spot-runner/configs/*'));
      expect(resourceOf('ssm:GetParameters')).toBe(arn('ssm', 'parameter/spot-runner/configs/*'));
      const wildcardResources = [...status, ...events].filter(
        (statement) => JSON.stringify(statement.Resource) === '"*"',
      );
      expect(actions(wildcardResources)).toEqual(['imagebuilder:ListImagePipelines']);
    });

    it('has no wildcard action, no Scan and no Delete anywhere', () => {
      const everyAction = JSON.stringify(template.findResources('AWS::IAM::Policy'));
      expect(actions([...status, ...events]).filter((action) => action.includes('*'))).toEqual([]);
      expect(everyAction).not.toMatch(/"[a-z0-9-]+:\*"|dynamodb:Scan|dynamodb:Delete|"\*"\s*,?\s*"Effect"/);
    });
  });

  describe('the GitHub App', () => {
    const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:spot-runner/github-app-AbCdEf';
    const withApp = synthesize({
      githubApp: {
        appId: '123456',
        privateKeySecretArn: SECRET_ARN,
        serverUrl: 'https://github.example.com',
      },
    });
    const sharedVariables = {
      STATE_TABLE_NAME: 'spot-runner-state',
      CONFIG_PREFIX: '/spot-runner/configs',
      PIPELINE_NAME_PREFIX: 'spot-runner-',
      STALE_BUILDING_THRESHOLD_MINUTES: '30',
      RECONCILIATION_BUDGET_SECONDS: '20',
    };
    /** The status function's own variables, beside the shared ones. */
    const statusVariables = { ...sharedVariables, JOB_MAX_RUNTIME_HOURS: '6' };
    const secretsManager = (policies: unknown) => JSON.stringify(policies).includes('secretsmanager');

    it('gives the status function the App’s variables, and the AMI update function none of them', () => {
      expect(variablesOf(withApp, 'GET /status')).toEqual({
        ...statusVariables,
        GITHUB_APP_ID: '123456',
        PRIVATE_KEY_SECRET_ARN: SECRET_ARN,
        GITHUB_SERVER_URL: 'https://github.example.com',
      });
      expect(variablesOf(withApp, 'EC2 Image Builder')).toEqual(sharedVariables);
    });

    it('sets only the App’s variables it is given, none by default', () => {
      expect(variablesOf(synthesize({ githubApp: { appId: '123456' } }), 'GET /status')).toEqual({
        ...statusVariables,
        GITHUB_APP_ID: '123456',
      });
      expect(variablesOf(template, 'GET /status')).toEqual(statusVariables);
    });

    it('lets the status function read that one secret’s value, in exactly one more statement', () => {
      expect(statementsOf(withApp, 'GET /status')).toEqual([
        ...statementsOf(template, 'GET /status'),
        {
          Sid: 'ReadGitHubAppPrivateKey',
          Effect: 'Allow',
          Action: 'secretsmanager:GetSecretValue',
          Resource: SECRET_ARN,
        },
      ]);
    });

    it('never lets the AMI update function near Secrets Manager', () => {
      expect(secretsManager(statementsOf(withApp, 'EC2 Image Builder'))).toBe(false);
    });

    it('grants no Secrets Manager permission without a secret ARN', () => {
      const withoutSecret = synthesize({
        githubApp: { appId: '123456', serverUrl: 'https://github.example.com' },
      });
      expect(secretsManager(withoutSecret.findResources('AWS::IAM::Policy'))).toBe(false);
      expect(secretsManager(template.findResources('AWS::IAM::Policy'))).toBe(false);
    });
  });

  describe('alarms', () => {
    const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:platform-alarms';
    const WITH_APP = { githubApp: { appId: '123456' } };
    const notifying = synthesize({ ...WITH_APP, alarmTopicArn: TOPIC_ARN });
    const silent = synthesize(WITH_APP);

    type AlarmProperties = Record<string, unknown> & { AlarmName: string; AlarmDescription: string };
    const alarmsOf = (alarmed: Template) =>
      Object.values(alarmed.findResources('AWS::CloudWatch::Alarm')).map(
        (alarm) => (alarm as { Properties: AlarmProperties }).Properties,
      );
    const alarmOf = (alarmed: Template, name: string) =>
      alarmsOf(alarmed).find((alarm) => alarm.AlarmName === `StatusService-${name}`)!;
    const ALARMS = [
      'AmiEventsDeadLetters',
      'StatusFunctionErrors',
      'AmiEventsFunctionErrors',
      'LostAmiEventHealed',
      'JobWaitTooLong',
      'GitHubNotConnected',
    ];

    it('alarms on any message in the dead-letter queue', () => {
      const [queue] = logicalIdsOf(silent, 'AWS::SQS::Queue');
      expect(alarmOf(silent, 'AmiEventsDeadLetters')).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: 300,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
    });

    it.each([
      { alarm: 'StatusFunctionErrors', functionDescription: 'GET /status' },
      { alarm: 'AmiEventsFunctionErrors', functionDescription: 'EC2 Image Builder' },
    ])('alarms on any error of one function in 5 minutes: $alarm', ({ alarm, functionDescription }) => {
      expect(alarmOf(silent, alarm)).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionIdOf(silent, functionDescription) } }],
        Statistic: 'Sum',
        Period: 300,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
    });

    it('alarms on a lost event healed: PresetsCorrected to ready and to failed, summed over 5 minutes', () => {
      type Query = {
        Id: string;
        Expression?: string;
        ReturnData: boolean;
        MetricStat?: {
          Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] };
          Period: number;
          Stat: string;
        };
      };
      const alarm = alarmOf(silent, 'LostAmiEventHealed');
      const queries = alarm.Metrics as Query[];
      const query = (id: string) => queries.find((candidate) => candidate.Id === id)!;

      expect(alarm).toMatchObject({
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
      expect(queries.filter((candidate) => candidate.ReturnData)).toEqual([
        expect.objectContaining({ Expression: 'FILL(ready, 0) + FILL(failed, 0)' }),
      ]);
      for (const state of ['ready', 'failed']) {
        const { Metric, ...stat } = query(state).MetricStat!;
        expect(stat).toEqual({ Period: 300, Stat: 'Sum' });
        expect(Metric.Namespace).toBe('SpotRunnerStatus');
        expect(Metric.MetricName).toBe('PresetsCorrected');
        expect(Metric.Dimensions).toHaveLength(2);
        expect(Metric.Dimensions).toEqual(
          expect.arrayContaining([
            { Name: 'service', Value: 'spot-runner-status' },
            { Name: 'TargetState', Value: state },
          ]),
        );
      }
      expect(queries).toHaveLength(3);
    });

    it('alarms when a GET /status found the oldest pending job waiting longer than jobWaitAlarmMinutes, in seconds', () => {
      expect(alarmOf(silent, 'JobWaitTooLong')).toMatchObject({
        Namespace: 'SpotRunnerStatus',
        MetricName: 'OldestPendingJobAgeSeconds',
        Dimensions: [{ Name: 'service', Value: 'spot-runner-status' }],
        Statistic: 'Maximum',
        Period: 300,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 3600,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
      expect(alarmOf(synthesize({ jobWaitAlarmMinutes: 25 }), 'JobWaitTooLong')).toMatchObject({
        Threshold: 1500,
        AlarmDescription: expect.stringContaining('more than 25 minutes'),
      });
    });

    it('alarms when no GET /status found GitHub connected in 3 periods of 5 minutes out of 3', () => {
      expect(alarmOf(silent, 'GitHubNotConnected')).toMatchObject({
        Namespace: 'SpotRunnerStatus',
        MetricName: 'GitHubConnected',
        Dimensions: [{ Name: 'service', Value: 'spot-runner-status' }],
        Statistic: 'Maximum',
        Period: 300,
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        TreatMissingData: 'notBreaching',
      });
    });

    it('has no GitHub alarm without a GitHub App, whose check is not-configured for good', () => {
      expect(alarmsOf(template).map((alarm) => alarm.AlarmName)).toEqual(
        ALARMS.filter((name) => name !== 'GitHubNotConnected').map((name) => `StatusService-${name}`),
      );
      expect(
        alarmOf(synthesize({ githubApp: { privateKeySecretArn: SECRET } }), 'GitHubNotConnected'),
      ).toBeDefined();
    });

    it('notifies the alarm topic of every alarm, on ALARM and back to OK', () => {
      expect(alarmsOf(notifying).map((alarm) => alarm.AlarmName)).toEqual(
        ALARMS.map((name) => `StatusService-${name}`),
      );
      for (const alarm of alarmsOf(notifying)) {
        expect(alarm).toMatchObject({ AlarmActions: [TOPIC_ARN], OKActions: [TOPIC_ARN] });
      }
    });

    it('notifies no one without alarmTopicArn', () => {
      expect(alarmsOf(silent)).toHaveLength(ALARMS.length);
      for (const alarm of alarmsOf(silent)) {
        expect(alarm.AlarmActions).toBeUndefined();
        expect(alarm.OKActions).toBeUndefined();
      }
    });

    it('says in each alarm what it means and what to do', () => {
      for (const alarm of alarmsOf(silent)) {
        expect(alarm.AlarmDescription.length).toBeGreaterThan(200);
        expect(alarm.AlarmDescription).toMatch(/docs\/operations\.md, Monitoring\.$/);
      }
    });

    it.each(ALARMS)('has %s explained in the doc its description names', (name) => {
      const operations = readFileSync(resolve(__dirname, '../docs/operations.md'), 'utf8');
      expect(operations).toContain(`### \`${name}\`: `);
    });
  });
});
