import { Match, Template } from 'aws-cdk-lib/assertions';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { contextFromArguments, createStatusServiceApp, InvalidParameterError } from './status-service-app';

/** A string matched literally inside a RegExp. */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('the CDK app', () => {
  let bundles: string;

  beforeAll(() => {
    // Stand-ins for dist/lambda/{status,events}/index.js, told apart by their content.
    bundles = mkdtempSync(path.join(tmpdir(), 'bundles-'));
    for (const entry of ['status', 'events']) {
      mkdirSync(path.join(bundles, entry));
      writeFileSync(path.join(bundles, entry, 'index.js'), `exports.handler = async () => '${entry}';`);
    }
  });

  afterAll(() => rmSync(bundles, { recursive: true, force: true }));

  it('deploys the production bundles as the functions’ code, one asset each', () => {
    const { stack } = createStatusServiceApp({
      bundlesDirectory: bundles,
      outdir: path.join(bundles, 'out'),
    });
    const functions = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')) as {
      Properties: { Handler: string; Code: { S3Key: unknown } };
    }[];

    expect(functions.map((fn) => fn.Properties.Handler)).toEqual(['index.handler', 'index.handler']);
    expect(new Set(functions.map((fn) => JSON.stringify(fn.Properties.Code.S3Key))).size).toBe(2);
  });

  it('is read by the project’s own CDK CLI (the one `npm run deploy` runs): its cloud assembly schema is one the CLI knows', () => {
    // Prepare
    const outdir = path.join(bundles, 'assembly');
    createStatusServiceApp({ bundlesDirectory: bundles, outdir }).app.synth();
    const cli = path.join(__dirname, '../node_modules/.bin/cdk');

    // Act: `cdk ls` on the synthesized assembly, offline.
    const listed = execFileSync(cli, ['ls', '--app', outdir, '--no-notices'], {
      encoding: 'utf8',
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' },
    });

    // Assess
    expect(listed.trim()).toBe('SpotRunnerStatusService');
  }, 60_000);

  it('takes its parameters from -c name=value', () => {
    const context = contextFromArguments([
      'node',
      'app.js',
      '-c',
      'stateTableName=platform-state',
      '-c',
      'createStateTable=true',
    ]);

    const { stack } = createStatusServiceApp({
      bundlesDirectory: bundles,
      context,
      outdir: path.join(bundles, 'out2'),
    });

    expect(context).toEqual({ stateTableName: 'platform-state', createStateTable: 'true' });
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'platform-state' });
  });

  describe('the GitHub App’s parameters', () => {
    const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:spot-runner/github-app-AbCdEf';

    it('passes a GitHub Enterprise Server URL through unchanged into GITHUB_SERVER_URL', () => {
      const context = contextFromArguments([
        'node',
        'app.js',
        '-c',
        'githubAppId=123456',
        '-c',
        `privateKeySecretArn=${SECRET_ARN}`,
        '-c',
        'githubServerUrl=https://github.example.com',
      ]);

      const { stack } = createStatusServiceApp({
        bundlesDirectory: bundles,
        context,
        outdir: path.join(bundles, 'out3'),
      });

      Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('^GET /status'),
        Environment: {
          Variables: Match.objectLike({
            GITHUB_APP_ID: '123456',
            PRIVATE_KEY_SECRET_ARN: SECRET_ARN,
            GITHUB_SERVER_URL: 'https://github.example.com',
          }),
        },
      });
    });
  });

  describe('parameter validation', () => {
    const synthesizeWith = (context: Record<string, string>) => () =>
      createStatusServiceApp({
        bundlesDirectory: bundles,
        context,
        outdir: path.join(bundles, 'out-checked'),
      });

    it.each([
      {
        parameter: 'stackName',
        value: '1st-stack',
        rule: /must be a CloudFormation stack name: a letter, then/,
      },
      { parameter: 'stackName', value: 'status_service', rule: /must be a CloudFormation stack name/ },
      {
        parameter: 'stateTableName',
        value: 'platform state',
        rule: /STATE_TABLE_NAME must be a DynamoDB table name/,
      },
      { parameter: 'createStateTable', value: 'yes', rule: /must be true or false/ },
      { parameter: 'createStateTable', value: 'TRUE', rule: /must be true or false/ },
      {
        parameter: 'configPrefix',
        value: 'spot-runner/configs',
        rule: /CONFIG_PREFIX must be an SSM parameter path/,
      },
      { parameter: 'configPrefix', value: '/spot-runner/configs/', rule: /not ending with "\/"/ },
      {
        parameter: 'pipelineNamePrefix',
        value: 'spot runner',
        rule: /PIPELINE_NAME_PREFIX must be letters, digits/,
      },
      {
        parameter: 'staleBuildingThresholdMinutes',
        value: 'abc',
        rule: /STALE_BUILDING_THRESHOLD_MINUTES must be an integer from 1 to 10080/,
      },
      { parameter: 'staleBuildingThresholdMinutes', value: '0', rule: /an integer from 1 to 10080/ },
      {
        parameter: 'jobMaxRuntimeHours',
        value: '0',
        rule: /JOB_MAX_RUNTIME_HOURS must be an integer from 1 to 168/,
      },
      { parameter: 'throttleRateLimit', value: '2.5', rule: /must be an integer from 1 to 10000/ },
      { parameter: 'throttleBurstLimit', value: '-1', rule: /must be an integer from 1 to 5000/ },
      { parameter: 'statusReservedConcurrency', value: '0', rule: /must be an integer from 1 to 1000/ },
      { parameter: 'jobWaitAlarmMinutes', value: '0', rule: /must be an integer from 1 to 10080/ },
      { parameter: 'jobWaitAlarmMinutes', value: '1h', rule: /must be an integer from 1 to 10080/ },
      { parameter: 'githubServerUrl', value: 'ftp://x', rule: /GITHUB_SERVER_URL must be an http\(s\) URL/ },
      { parameter: 'githubAppId', value: 'abc', rule: /GITHUB_APP_ID must be the GitHub App's numeric id/ },
      {
        parameter: 'privateKeySecretArn',
        value: 'my-secret',
        rule: /PRIVATE_KEY_SECRET_ARN must be the ARN of a Secrets Manager secret/,
      },
      {
        parameter: 'alarmTopicArn',
        value: 'platform-alarms',
        rule: /must be the ARN of a standard SNS topic/,
      },
      {
        parameter: 'alarmTopicArn',
        value: 'arn:aws:sns:eu-west-1:123456789012:platform-alarms.fifo',
        rule: /must be the ARN of a standard SNS topic/,
      },
    ])(
      'fails the synth on a bad $parameter ($value), naming the parameter and its rule',
      ({ parameter, value, rule }) => {
        const synth = synthesizeWith({ [parameter]: value });

        expect(synth).toThrow(InvalidParameterError);
        expect(synth).toThrow(new RegExp(`^Invalid parameter ${parameter}: `));
        expect(synth).toThrow(rule);
        expect(synth).toThrow(new RegExp(`; got ${escape(JSON.stringify(value))}$`));
      },
    );

    it('says exactly what a bad staleBuildingThresholdMinutes breaks, where the stack once wrote "NaN"', () => {
      expect(synthesizeWith({ staleBuildingThresholdMinutes: 'abc' })).toThrow(
        'Invalid parameter staleBuildingThresholdMinutes: ' +
          'STALE_BUILDING_THRESHOLD_MINUTES must be an integer from 1 to 10080; got "abc"',
      );
    });

    it('builds the stack from good values of every parameter', () => {
      const { stack } = synthesizeWith({
        stackName: 'PlatformStatus',
        stateTableName: 'platform-state',
        createStateTable: 'true',
        configPrefix: '/platform/runner-configs',
        pipelineNamePrefix: 'platform-',
        staleBuildingThresholdMinutes: '45',
        jobMaxRuntimeHours: '12',
        throttleRateLimit: '20',
        throttleBurstLimit: '40',
        statusReservedConcurrency: '10',
        jobWaitAlarmMinutes: '90',
        githubAppId: '123456',
        alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:platform-alarms',
      })();
      const template = Template.fromStack(stack);

      expect(stack.stackName).toBe('PlatformStatus');
      template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'platform-state' });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('^GET /status'),
        ReservedConcurrentExecutions: 10,
        Environment: {
          Variables: Match.objectLike({
            CONFIG_PREFIX: '/platform/runner-configs',
            PIPELINE_NAME_PREFIX: 'platform-',
            STALE_BUILDING_THRESHOLD_MINUTES: '45',
            JOB_MAX_RUNTIME_HOURS: '12',
            GITHUB_APP_ID: '123456',
          }),
        },
      });
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      });
      template.allResourcesProperties('AWS::CloudWatch::Alarm', {
        AlarmActions: ['arn:aws:sns:eu-west-1:123456789012:platform-alarms'],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'OldestPendingJobAgeSeconds',
        Threshold: 90 * 60,
      });
    });

    it('alarms on a pending job waiting past 60 minutes unless jobWaitAlarmMinutes says otherwise', () => {
      const { stack } = synthesizeWith({})();

      Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'OldestPendingJobAgeSeconds',
        Threshold: 3600,
      });
    });

    it('takes a value trimmed, and an empty one as not given, as the service reads its variables', () => {
      const { stack } = synthesizeWith({ staleBuildingThresholdMinutes: ' 45 ', alarmTopicArn: '' })();
      const template = Template.fromStack(stack);

      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ STALE_BUILDING_THRESHOLD_MINUTES: '45' }) },
      });
      template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: Match.absent() });
    });

    it.each([
      { name: 'staleBuildingThresholdMinute', meant: 'staleBuildingThresholdMinutes' },
      { name: 'alarmtopicarn', meant: 'alarmTopicArn' },
      { name: 'alarmTopic', meant: 'alarmTopicArn' },
      { name: 'statetablename', meant: 'stateTableName' },
    ])('fails the synth on $name, a typo of $meant that would leave it at its default', ({ name, meant }) => {
      expect(synthesizeWith({ [name]: 'x' })).toThrow(`Unknown parameter ${name}: did you mean ${meant}?`);
    });

    it('lets other context through: the CDK CLI’s own, and names like no parameter', () => {
      expect(
        synthesizeWith({
          'aws:cdk:enable-path-metadata': 'true',
          '@aws-cdk/aws-lambda:recognizeLayerVersion': 'true',
          team: 'platform',
        }),
      ).not.toThrow();
    });
  });
});
