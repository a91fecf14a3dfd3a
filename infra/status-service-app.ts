import { App } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import path from 'node:path';
import { InvalidConfigError, parseGitHubAppConfig } from '../src/config/app-config';
import { GitHubAppProps, StatusServiceStack } from './status-service-stack';

/** The GitHub App's parameters, and the status function's variables they become. */
const GITHUB_APP_PARAMETERS = {
  githubAppId: 'GITHUB_APP_ID',
  privateKeySecretArn: 'PRIVATE_KEY_SECRET_ARN',
  githubServerUrl: 'GITHUB_SERVER_URL',
} as const;

/**
 * The CDK app: the stack, with the production bundles from `bundlesDirectory` as the
 * functions' code and its parameters from CDK context (`-c name=value`), with defaults.
 */
export function createStatusServiceApp(options: {
  bundlesDirectory: string;
  context?: Record<string, string>;
  outdir?: string;
}): { app: App; stack: StatusServiceStack } {
  const app = new App({ outdir: options.outdir, context: options.context });
  const context = (key: string, fallback: string): string => String(app.node.tryGetContext(key) ?? fallback);
  const optional = (key: string): string | undefined => context(key, '').trim() || undefined;
  const stack = new StatusServiceStack(app, context('stackName', 'SpotRunnerStatusService'), {
    stateTableName: context('stateTableName', 'spot-runner-state'),
    createStateTable: context('createStateTable', 'false') === 'true',
    configPrefix: context('configPrefix', '/spot-runner/configs'),
    pipelineNamePrefix: context('pipelineNamePrefix', 'spot-runner-'),
    staleBuildingThresholdMinutes: Number(context('staleBuildingThresholdMinutes', '30')),
    throttle: {
      rateLimit: Number(context('throttleRateLimit', '5')),
      burstLimit: Number(context('throttleBurstLimit', '10')),
    },
    statusReservedConcurrency: Number(context('statusReservedConcurrency', '5')),
    code: {
      status: Code.fromAsset(path.join(options.bundlesDirectory, 'status')),
      events: Code.fromAsset(path.join(options.bundlesDirectory, 'events')),
    },
    githubApp: githubAppParameters(optional),
    alarmTopicArn: optional('alarmTopicArn'),
  });
  return { app, stack };
}

/**
 * The GitHub App's parameters, validated by the service's own rules: a value the status
 * function would refuse at startup fails the synth instead, naming the parameter.
 */
function githubAppParameters(optional: (key: string) => string | undefined): GitHubAppProps {
  for (const [parameter, variable] of Object.entries(GITHUB_APP_PARAMETERS)) {
    try {
      // One parameter at a time, so the one that fails is the one named.
      parseGitHubAppConfig({ [variable]: optional(parameter) });
    } catch (error) {
      if (!(error instanceof InvalidConfigError)) throw error;
      const reason = error.message.replace(/^Invalid configuration: /, '');
      throw new Error(`Invalid parameter ${parameter}: ${reason}`, { cause: error });
    }
  }
  return {
    appId: optional('githubAppId'),
    privateKeySecretArn: optional('privateKeySecretArn'),
    serverUrl: optional('githubServerUrl'),
  };
}

/** `-c name=value` pairs given to `npm run synth --`; `cdk deploy` passes its own through the environment. */
export function contextFromArguments(argv: readonly string[]): Record<string, string> {
  const context: Record<string, string> = {};
  argv.forEach((argument, index) => {
    if (argument !== '-c' && argument !== '--context') return;
    const [name, ...value] = (argv[index + 1] ?? '').split('=');
    if (name && value.length > 0) context[name] = value.join('=');
  });
  return context;
}
