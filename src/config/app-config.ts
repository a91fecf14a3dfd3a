import { ConfigModule, registerAs } from '@nestjs/config';

/** The service's configuration, read from the environment once at startup. */
export interface AppConfig {
  stateTableName: string;
  configPrefix: string;
  pipelineNamePrefix: string;
  staleBuildingThresholdMs: number;
  reconciliationBudgetMs: number;
  reconciliationConcurrency: number;
  /** How long a finding that left the record as it was holds before the preset is checked again. */
  reconciliationRecheckMs: number;
  /**
   * Whether each ready preset's SSM runner config is read and compared with its record
   * (`SSM_VERIFY_ENABLED`); off, only the AMI update path and healing touch the configs.
   */
  ssmVerifyEnabled: boolean;
  /** How often each ready preset's SSM runner config is checked against its record, per container. */
  ssmVerifyMs: number;
  /** Whether GET /status reads the job records (`RUNNER_COUNTS_ENABLED`); off, its fields are null. */
  runnerCountsEnabled: boolean;
  /** How long runner counts are kept per container. */
  runnerCountsTtlMs: number;
  /**
   * The longest a job runs: a job created longer ago than this (and a margin) has its outcome
   * for good, so a warm refresh of the counts reads only the jobs created since.
   */
  jobMaxRuntimeMs: number;
  /** How often the counts are read whole again, however warm the container. */
  runnerCountsFullRefreshMs: number;
  /** The oldest pending job's wait past which GET /status warns (`jobs-waiting`). */
  jobWaitWarningMs: number;
  /** The oldest pending job's wait past which the platform is degraded (`jobs-stuck`); 0: never. */
  jobWaitCriticalMs: number;
  /** A preset's AMI built longer ago than this is `ami-old`. */
  amiMaxAgeMs: number;
  /** How long the presets' pipelines, as Image Builder describes them, are kept per container. */
  pipelineCheckTtlMs: number;
  awsRegion: string;
  /** Whether the metric lines (EMF) are written: off with `POWERTOOLS_METRICS_DISABLED=true`. */
  metricsEnabled: boolean;
  github: GitHubAppConfig;
}

/**
 * The platform's GitHub App, whose readiness GET /status reports. With neither the App id
 * nor the secret set, the check is `not-configured` and makes no call.
 */
export interface GitHubAppConfig {
  /** `GITHUB_APP_ID`: the App's numeric id (or its client id), the JWT's `iss`. */
  appId: string | undefined;
  /** `PRIVATE_KEY_SECRET_ARN`: the Secrets Manager secret holding the App's PEM private key. */
  privateKeySecretArn: string | undefined;
  /** The REST API root, from `GITHUB_SERVER_URL`: `https://api.github.com` or `<server>/api/v3`. */
  apiUrl: string;
  /** How long a `connected` result is kept; any other result at most 30 s. */
  checkTtlMs: number;
  /** The GitHub call's own timeout, never past the request's deadline. */
  requestTimeoutMs: number;
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

/** `true` or `false` (any case); unset or empty, `fallback`. */
function flag(env: Environment, variable: string, fallback: boolean): boolean {
  const value = optional(env, variable, String(fallback)).toLowerCase();
  if (value !== 'true' && value !== 'false') {
    throw new InvalidConfigError(variable, 'true or false', env[variable]);
  }
  return value === 'true';
}

/** The spellings Powertools takes for a boolean variable of its own (its `getBooleanFromEnv`). */
const POWERTOOLS_TRUE = ['1', 'y', 'yes', 't', 'true', 'on'];
const POWERTOOLS_FALSE = ['0', 'n', 'no', 'f', 'false', 'off'];

/**
 * Whether the metric lines are written. `POWERTOOLS_METRICS_DISABLED` is Powertools' own
 * variable, which Powertools reads too: it is read by Powertools' rule (its spellings, any
 * case; set but empty is no boolean), so the two never disagree, and a value Powertools
 * would refuse is named here instead.
 */
function metricsEnabled(env: Environment): boolean {
  const raw = env.POWERTOOLS_METRICS_DISABLED;
  if (raw === undefined) return true;
  const value = raw.trim().toLowerCase();
  if (POWERTOOLS_TRUE.includes(value)) return false;
  if (POWERTOOLS_FALSE.includes(value)) return true;
  throw new InvalidConfigError('POWERTOOLS_METRICS_DISABLED', 'true or false', raw);
}

/** Which Lambda reads the configuration: each validates only the variables it uses. */
export type EntryPoint = 'status' | 'events';

/**
 * Validates the environment; throws an InvalidConfigError naming the first bad variable.
 * The AMI update handler leaves /status's own variables unread (their defaults stand), so a
 * bad one cannot stop it.
 */
export function parseAppConfig(env: Environment, entryPoint: EntryPoint = 'status'): AppConfig {
  const statusOnly: Environment = entryPoint === 'status' ? env : {};
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
      integerBetween(statusOnly, 'STALE_BUILDING_THRESHOLD_MINUTES', 30, 1, 7 * 24 * 60) * 60_000,
    reconciliationBudgetMs: integerBetween(statusOnly, 'RECONCILIATION_BUDGET_SECONDS', 20, 1, 900) * 1000,
    reconciliationConcurrency: integerBetween(statusOnly, 'RECONCILIATION_CONCURRENCY', 20, 1, 50),
    reconciliationRecheckMs:
      integerBetween(statusOnly, 'RECONCILIATION_RECHECK_SECONDS', 300, 1, 86_400) * 1000,
    ssmVerifyEnabled: flag(statusOnly, 'SSM_VERIFY_ENABLED', true),
    ssmVerifyMs: integerBetween(statusOnly, 'SSM_VERIFY_SECONDS', 300, 1, 86_400) * 1000,
    runnerCountsEnabled: flag(statusOnly, 'RUNNER_COUNTS_ENABLED', true),
    runnerCountsTtlMs: integerBetween(statusOnly, 'RUNNER_COUNTS_TTL_SECONDS', 15, 1, 3600) * 1000,
    jobMaxRuntimeMs: integerBetween(statusOnly, 'JOB_MAX_RUNTIME_HOURS', 6, 1, 168) * 3_600_000,
    runnerCountsFullRefreshMs:
      integerBetween(statusOnly, 'RUNNER_COUNTS_FULL_REFRESH_MINUTES', 30, 1, 1440) * 60_000,
    jobWaitWarningMs: integerBetween(statusOnly, 'JOB_WAIT_WARNING_MINUTES', 15, 1, 10_080) * 60_000,
    jobWaitCriticalMs: integerBetween(statusOnly, 'JOB_WAIT_CRITICAL_MINUTES', 60, 0, 10_080) * 60_000,
    amiMaxAgeMs: integerBetween(statusOnly, 'AMI_MAX_AGE_DAYS', 30, 1, 3650) * 86_400_000,
    pipelineCheckTtlMs: integerBetween(statusOnly, 'PIPELINE_CHECK_TTL_SECONDS', 300, 1, 86_400) * 1000,
    awsRegion,
    metricsEnabled: metricsEnabled(env),
    github: parseGitHubAppConfig(statusOnly),
  };
}

/** `PORT` of the local server (`npm start`, `npm run start:aws`); Lambda never reads it. */
export function localServerPort(env: Environment = process.env): number {
  return integerBetween(env, 'PORT', 3000, 1, 65535);
}

/** An IPv4 or IPv6 address, or a host name: what the local server may listen on. */
const LISTEN_HOST = /^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/;

/**
 * `HOST` the local server listens on: loopback unless it says otherwise (`0.0.0.0` for
 * every interface), as its local AWS listens on loopback only. Lambda never reads it.
 */
export function localServerHost(env: Environment = process.env): string {
  const host = env.HOST?.trim() || '127.0.0.1';
  if (!LISTEN_HOST.test(host)) {
    throw new InvalidConfigError('HOST', 'an address to listen on, such as 127.0.0.1 or 0.0.0.0', env.HOST);
  }
  return host;
}

/**
 * How the local servers log: `text`, one readable line per event; `json`, what the Lambda
 * prints (Powertools JSON lines and the EMF metric lines). Lambda always prints JSON.
 */
export type LogFormat = 'text' | 'json';

const LOG_FORMATS: readonly string[] = ['text', 'json'] satisfies LogFormat[];

const isLogFormat = (value: string): value is LogFormat => LOG_FORMATS.includes(value);

/** `LOG_FORMAT` of the local server: `text` unless it says `json`. Lambda never reads it. */
export function localServerLogFormat(env: Environment = process.env): LogFormat {
  const format = optional(env, 'LOG_FORMAT', 'text');
  if (!isLogFormat(format)) {
    throw new InvalidConfigError(
      'LOG_FORMAT',
      "text (readable lines, the default) or json (the Lambda's JSON lines and metric lines)",
      env.LOG_FORMAT,
    );
  }
  return format;
}

/** The local server's settings (`npm start`, `npm run start:aws`). */
export interface LocalServerConfig {
  host: string;
  port: number;
  logFormat: LogFormat;
}

/** Reads and validates the local server's settings at once, before anything starts. */
export function localServerConfig(env: Environment = process.env): LocalServerConfig {
  return { host: localServerHost(env), port: localServerPort(env), logFormat: localServerLogFormat(env) };
}

/** Where the local server's GET /status is: an IPv6 address in brackets. */
export function localStatusUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/status`;
}

const GITHUB_APP_ID = /^(\d{1,12}|Iv[0-9A-Za-z.]{1,40})$/;
const SECRET_ARN =
  /^arn:aws[a-z-]*:secretsmanager:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;

/** The GitHub App's part of the configuration; the deploy validates its parameters with it. */
export function parseGitHubAppConfig(env: Environment): GitHubAppConfig {
  const appId = env.GITHUB_APP_ID?.trim() || undefined;
  if (appId !== undefined && !GITHUB_APP_ID.test(appId)) {
    throw new InvalidConfigError(
      'GITHUB_APP_ID',
      "the GitHub App's numeric id or its client id",
      env.GITHUB_APP_ID,
    );
  }
  const privateKeySecretArn = env.PRIVATE_KEY_SECRET_ARN?.trim() || undefined;
  if (privateKeySecretArn !== undefined && !SECRET_ARN.test(privateKeySecretArn)) {
    throw new InvalidConfigError(
      'PRIVATE_KEY_SECRET_ARN',
      'the ARN of a Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>)',
      env.PRIVATE_KEY_SECRET_ARN,
    );
  }
  const serverUrl = optional(env, 'GITHUB_SERVER_URL', 'https://github.com');
  const apiUrl = githubApiUrl(serverUrl);
  if (apiUrl === undefined) {
    throw new InvalidConfigError(
      'GITHUB_SERVER_URL',
      'an http(s) URL such as https://github.com or https://github.example.com',
      env.GITHUB_SERVER_URL,
    );
  }
  return {
    appId,
    privateKeySecretArn,
    apiUrl,
    checkTtlMs: integerBetween(env, 'GITHUB_CHECK_TTL_SECONDS', 300, 1, 86_400) * 1000,
    requestTimeoutMs: integerBetween(env, 'GITHUB_REQUEST_TIMEOUT_SECONDS', 5, 1, 25) * 1000,
  };
}

/**
 * github.com's API is `https://api.github.com`; GitHub Enterprise Server's is
 * `<server>/api/v3`. Undefined for anything but a plain http(s) URL (no credentials, query
 * or fragment, which would end up in logs).
 */
export function githubApiUrl(serverUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username || url.password || url.search || url.hash) return undefined;
  const path = url.pathname.replace(/\/+$/, '');
  if (url.protocol === 'https:' && url.hostname === 'github.com' && url.port === '' && path === '') {
    return 'https://api.github.com';
  }
  return `${url.origin}${path}/api/v3`;
}

/** The one place that reads process.env; Nest runs it once, at startup. */
export const appConfig = registerAs('app', (): AppConfig => parseAppConfig(process.env, 'status'));

/** The same configuration token for the AMI update handler, which reads only its variables. */
const eventsAppConfig = registerAs('app', (): AppConfig => parseAppConfig(process.env, 'events'));

/** The configuration of GET /status, global to every module. */
export const appConfigModule = ConfigModule.forRoot({
  isGlobal: true,
  ignoreEnvFile: true,
  load: [appConfig],
});

/** The configuration of the AMI update handler, global to every module. */
export const eventsAppConfigModule = ConfigModule.forRoot({
  isGlobal: true,
  ignoreEnvFile: true,
  load: [eventsAppConfig],
});
