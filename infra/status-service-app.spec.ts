import { Match, Template } from 'aws-cdk-lib/assertions';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { contextFromArguments, createStatusServiceApp } from './status-service-app';

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

    it.each([
      {
        parameter: 'githubServerUrl',
        value: 'ftp://x',
        message: /^Invalid parameter githubServerUrl: .*an http\(s\) URL.*; got "ftp:\/\/x"$/,
      },
      {
        parameter: 'githubAppId',
        value: 'abc',
        message: /^Invalid parameter githubAppId: .*numeric id.*; got "abc"$/,
      },
      {
        parameter: 'privateKeySecretArn',
        value: 'my-secret',
        message:
          /^Invalid parameter privateKeySecretArn: .*the ARN of a Secrets Manager secret.*; got "my-secret"$/,
      },
    ])(
      'fails the synth on a bad $parameter ($value), naming the parameter and what it expects',
      ({ parameter, value, message }) => {
        const synth = () =>
          createStatusServiceApp({
            bundlesDirectory: bundles,
            context: { [parameter]: value },
            outdir: path.join(bundles, 'out-invalid'),
          });

        expect(synth).toThrow(message);
      },
    );
  });
});
