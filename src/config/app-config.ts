import { ConfigModule, registerAs } from '@nestjs/config';

/** The service's configuration, read from the environment once at startup. */
export interface AppConfig {
  stateTableName: string;
  configPrefix: string;
  pipelineNamePrefix: string;
  staleBuildingThresholdMs: number;
  reconciliationBudgetMs: number;
  reconciliationConcurrency: number;
  awsRegion: string;
  port: number;
}

export class InvalidConfigError extends Error {
  constructor(variable: string, expected: string, actual: string | undefined) {
    const shown = actual === undefined ? 'it is not set' : `got ${JSON.stringify(actual)}`;
    super(`Invalid configuration: ${variable} must be ${expected}; ${shown}`);
    this.name = 'InvalidConfigError';
  }
}

type Environment = Record<string, string | undefined>;

const PRESET_NAME_CHARACTERS = /^[A-Za-z0-9._-]*$/;
const SSM_PATH = /^(\/[A-Za-z0-9_.-]+)+$/;

function required(env: Environment, variable: string, expected: string): string {
  const value = env[variable]?.trim();
  if (!value) throw new InvalidConfigError(variable, expected, env[variable]);
  return value;
}

function optional(env: Environment, variable: string, fallback: string): string {
  const value = env[variable]?.trim();
  return value === undefined || value === '' ? fallback : value;
}

function integerBetween(
  env: Environment,
  variable: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = optional(env, variable, String(fallback));
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new InvalidConfigError(variable, `an integer from ${min} to ${max}`, env[variable]);
  }
  return value;
}

/** Validates the environment; throws an InvalidConfigError naming the first bad variable. */
export function parseAppConfig(env: Environment): AppConfig {
  const stateTableName = required(env, 'STATE_TABLE_NAME', 'the name of the DynamoDB state table');
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(stateTableName)) {
    throw new InvalidConfigError('STATE_TABLE_NAME', 'a DynamoDB table name', env.STATE_TABLE_NAME);
  }
  const configPrefix = optional(env, 'CONFIG_PREFIX', '/spot-runner/configs');
  if (!SSM_PATH.test(configPrefix)) {
    throw new InvalidConfigError(
      'CONFIG_PREFIX',
      'an SSM parameter path starting with "/" and not ending with "/"',
      env.CONFIG_PREFIX,
    );
  }
  const pipelineNamePrefix = optional(env, 'PIPELINE_NAME_PREFIX', 'spot-runner-');
  if (!PRESET_NAME_CHARACTERS.test(pipelineNamePrefix)) {
    throw new InvalidConfigError(
      'PIPELINE_NAME_PREFIX',
      'letters, digits, ".", "_" or "-"',
      env.PIPELINE_NAME_PREFIX,
    );
  }
  const awsRegion = required(env, 'AWS_REGION', 'an AWS region such as eu-west-1');
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(awsRegion)) {
    throw new InvalidConfigError('AWS_REGION', 'an AWS region such as eu-west-1', env.AWS_REGION);
  }
  return {
    stateTableName,
    configPrefix,
    pipelineNamePrefix,
    staleBuildingThresholdMs:
      integerBetween(env, 'STALE_BUILDING_THRESHOLD_MINUTES', 30, 1, 7 * 24 * 60) * 60_000,
    reconciliationBudgetMs: integerBetween(env, 'RECONCILIATION_BUDGET_SECONDS', 20, 1, 900) * 1000,
    reconciliationConcurrency: integerBetween(env, 'RECONCILIATION_CONCURRENCY', 20, 1, 50),
    awsRegion,
    port: integerBetween(env, 'PORT', 3000, 1, 65535),
  };
}

/** The one place that reads process.env; Nest runs it once, at startup. */
export const appConfig = registerAs('app', (): AppConfig => parseAppConfig(process.env));

/** The configuration, global to every module of either entry point. */
export const appConfigModule = ConfigModule.forRoot({
  isGlobal: true,
  ignoreEnvFile: true,
  load: [appConfig],
});
