import { App } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import path from 'node:path';
import { StatusServiceStack } from './status-service-stack';

/**
 * `npm run synth` (offline, no credentials) and `npm run deploy`. Parameters are CDK
 * context values: `-c stateTableName=…` and the others below, with these defaults.
 */
const app = new App({
  outdir: process.env.CDK_OUTDIR ?? 'cdk.out',
  context: contextFromArguments(process.argv),
});
const context = (key: string, fallback: string): string => String(app.node.tryGetContext(key) ?? fallback);
const bundles = path.resolve(__dirname, '../../../dist/lambda');

new StatusServiceStack(app, context('stackName', 'SpotRunnerStatusService'), {
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
    status: Code.fromAsset(path.join(bundles, 'status')),
    events: Code.fromAsset(path.join(bundles, 'events')),
  },
});

app.synth();

/** `-c name=value` pairs given to `npm run synth --`; `cdk deploy` passes its own through the environment. */
function contextFromArguments(argv: string[]): Record<string, string> {
  const context: Record<string, string> = {};
  argv.forEach((argument, index) => {
    if (argument !== '-c' && argument !== '--context') return;
    const [name, ...value] = (argv[index + 1] ?? '').split('=');
    if (name && value.length > 0) context[name] = value.join('=');
  });
  return context;
}
