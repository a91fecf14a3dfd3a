import { App } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import path from 'node:path';
import { InvalidConfigError, parseAppConfig } from '../src/config/app-config';
import { StatusServiceStack } from './status-service-stack';

/** A `-c name=value` the stack cannot be built with: the synth fails with its message alone. */
export class InvalidParameterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidParameterError';
  }
}

/** Why a value breaks a parameter's rule, as `must be …; got "…"`, or undefined when it meets it. */
type Rule = (value: string) => string | undefined;

/** The variables parseAppConfig requires, valid, so that only the variable under test can fail. */
const VALID_SERVICE_ENVIRONMENT = {
  STATE_TABLE_NAME: 'spot-runner-state',
  // Lambda sets it; the stack is not tied to a region.
  AWS_REGION: 'us-east-1',
};

/**
 * A parameter that becomes one of the functions' variables, checked by the service's own rule
 * for it: a value the function would refuse at startup fails the synth instead.
 */
function serviceVariable(variable: string): Rule {
  return (value) => {
    try {
      parseAppConfig({ ...VALID_SERVICE_ENVIRONMENT, [variable]: value }, 'status');
      return undefined;
    } catch (error) {
      if (!(error instanceof InvalidConfigError)) throw error;
      return error.message.replace(/^Invalid configuration: /, '');
    }
  };
}

function matches(pattern: RegExp, expected: string): Rule {
  return (value) => (pattern.test(value) ? undefined : `must be ${expected}; got ${JSON.stringify(value)}`);
}

/** The service's own integer rule (digits only, within bounds), for a deploy-only parameter. */
function integerFrom(min: number, max: number): Rule {
  return (value) =>
    /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max
      ? undefined
      : `must be an integer from ${min} to ${max}; got ${JSON.stringify(value)}`;
}

const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
// CloudWatch alarms notify standard topics only: a FIFO topic's ".fifo" name is refused.
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** Every parameter (CDK context, `-c name=value`): its default, if it has one, and its rule. */
const PARAMETERS = {
  stackName: {
    fallback: 'SpotRunnerStatusService',
    rule: matches(
      STACK_NAME,
      'a CloudFormation stack name: a letter, then letters, digits or "-", 128 at most',
    ),
  },
  stateTableName: { fallback: 'spot-runner-state', rule: serviceVariable('STATE_TABLE_NAME') },
  createStateTable: { fallback: 'false', rule: matches(/^(true|false)$/, 'true or false') },
  configPrefix: { fallback: '/spot-runner/configs', rule: serviceVariable('CONFIG_PREFIX') },
  pipelineNamePrefix: { fallback: 'spot-runner-', rule: serviceVariable('PIPELINE_NAME_PREFIX') },
  staleBuildingThresholdMinutes: {
    fallback: '30',
    rule: serviceVariable('STALE_BUILDING_THRESHOLD_MINUTES'),
  },
  jobMaxRuntimeHours: { fallback: '6', rule: serviceVariable('JOB_MAX_RUNTIME_HOURS') },
  // API Gateway's default account quotas: 10 000 requests per second, a burst of 5 000.
  throttleRateLimit: { fallback: '5', rule: integerFrom(1, 10_000) },
  throttleBurstLimit: { fallback: '10', rule: integerFrom(1, 5_000) },
  // Lambda's default concurrency quota per account and region.
  statusReservedConcurrency: { fallback: '5', rule: integerFrom(1, 1_000) },
  // The same range as JOB_WAIT_CRITICAL_MINUTES: up to a week, the job records' ttl.
  jobWaitAlarmMinutes: { fallback: '60', rule: integerFrom(1, 10_080) },
  githubAppId: { rule: serviceVariable('GITHUB_APP_ID') },
  privateKeySecretArn: { rule: serviceVariable('PRIVATE_KEY_SECRET_ARN') },
  githubServerUrl: { rule: serviceVariable('GITHUB_SERVER_URL') },
  alarmTopicArn: {
    rule: matches(SNS_TOPIC_ARN, 'the ARN of a standard SNS topic (arn:aws:sns:<region>:<account>:<name>)'),
  },
} satisfies Record<string, { fallback?: string; rule: Rule }>;

type ParameterName = keyof typeof PARAMETERS;
type Parameters = {
  [Name in ParameterName]: (typeof PARAMETERS)[Name] extends { fallback: string }
    ? string
    : string | undefined;
};

/**
 * The CDK app: the stack, with the production bundles from `bundlesDirectory` as the
 * functions' code and its parameters from CDK context (`-c name=value`), with defaults.
 * Throws an InvalidParameterError naming the first bad parameter and its rule.
 */
export function createStatusServiceApp(options: {
  bundlesDirectory: string;
  context?: Record<string, string>;
  outdir?: string;
}): { app: App; stack: StatusServiceStack } {
  const app = new App({ outdir: options.outdir, context: options.context });
  const parameters = readParameters(app);
  const stack = new StatusServiceStack(app, parameters.stackName, {
    stateTableName: parameters.stateTableName,
    createStateTable: parameters.createStateTable === 'true',
    configPrefix: parameters.configPrefix,
    pipelineNamePrefix: parameters.pipelineNamePrefix,
    staleBuildingThresholdMinutes: Number(parameters.staleBuildingThresholdMinutes),
    jobMaxRuntimeHours: Number(parameters.jobMaxRuntimeHours),
    throttle: {
      rateLimit: Number(parameters.throttleRateLimit),
      burstLimit: Number(parameters.throttleBurstLimit),
    },
    statusReservedConcurrency: Number(parameters.statusReservedConcurrency),
    jobWaitAlarmMinutes: Number(parameters.jobWaitAlarmMinutes),
    code: {
      status: Code.fromAsset(path.join(options.bundlesDirectory, 'status')),
      events: Code.fromAsset(path.join(options.bundlesDirectory, 'events')),
    },
    githubApp: {
      appId: parameters.githubAppId,
      privateKeySecretArn: parameters.privateKeySecretArn,
      serverUrl: parameters.githubServerUrl,
    },
    alarmTopicArn: parameters.alarmTopicArn,
  });
  return { app, stack };
}

/** Each parameter trimmed, an empty one as not given (as the service reads its variables), then checked. */
function readParameters(app: App): Parameters {
  rejectMisspelledParameters(Object.keys(app.node.getAllContext() as Record<string, unknown>));
  const parameters: Record<string, string | undefined> = {};
  for (const name of Object.keys(PARAMETERS) as ParameterName[]) {
    const { fallback, rule }: { fallback?: string; rule: Rule } = PARAMETERS[name];
    const value = contextText(app.node.tryGetContext(name)).trim() || fallback;
    const broken = value === undefined ? undefined : rule(value);
    if (broken) throw new InvalidParameterError(`Invalid parameter ${name}: ${broken}`);
    parameters[name] = value;
  }
  return parameters as Parameters;
}

/** A context value as text: `-c` gives strings, a cdk.json may give numbers and booleans. */
function contextText(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * A name within three edits of a parameter's (case aside) is taken for a typo of it, and
 * fails the synth rather than leave that parameter at its default. Other names pass: the CDK
 * CLI passes context of its own (`aws:cdk:…`, `@aws-cdk/…`).
 */
function rejectMisspelledParameters(names: readonly string[]): void {
  const known = Object.keys(PARAMETERS);
  for (const name of names) {
    if (known.includes(name)) continue;
    const nearest = known
      .map((parameter) => ({
        parameter,
        distance: editDistance(name.toLowerCase(), parameter.toLowerCase()),
      }))
      .sort((a, b) => a.distance - b.distance)[0];
    if (nearest.distance <= 3) {
      throw new InvalidParameterError(`Unknown parameter ${name}: did you mean ${nearest.parameter}?`);
    }
  }
}

/** Levenshtein distance: the fewest insertions, deletions and substitutions from a to b. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
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
