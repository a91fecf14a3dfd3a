import {
  githubApiUrl,
  InvalidConfigError,
  localServerConfig,
  localServerHost,
  localServerLogFormat,
  localServerPort,
  parseAppConfig,
} from './app-config';

const minimalEnv = { STATE_TABLE_NAME: 'spot-runner-state', AWS_REGION: 'eu-west-1' };
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:spot-runner/github-app-key-AbC123';

describe('parseAppConfig', () => {
  it('uses the defaults when only the required variables are set', () => {
    expect(parseAppConfig(minimalEnv)).toEqual({
      stateTableName: 'spot-runner-state',
      configPrefix: '/spot-runner/configs',
      pipelineNamePrefix: 'spot-runner-',
      staleBuildingThresholdMs: 30 * 60_000,
      reconciliationBudgetMs: 20_000,
      reconciliationConcurrency: 20,
      reconciliationRecheckMs: 300_000,
      ssmVerifyEnabled: true,
      ssmVerifyMs: 300_000,
      runnerCountsEnabled: true,
      runnerCountsTtlMs: 15_000,
      jobMaxRuntimeMs: 6 * 3_600_000,
      runnerCountsFullRefreshMs: 30 * 60_000,
      jobWaitWarningMs: 15 * 60_000,
      jobWaitCriticalMs: 60 * 60_000,
      amiMaxAgeMs: 30 * 86_400_000,
      pipelineCheckTtlMs: 300_000,
      awsRegion: 'eu-west-1',
      metricsEnabled: true,
      github: {
        appId: undefined,
        privateKeySecretArn: undefined,
        apiUrl: 'https://api.github.com',
        checkTtlMs: 300_000,
        requestTimeoutMs: 5_000,
      },
    });
  });

  it('reads every variable that is set', () => {
    // Prepare
    const env = {
      STATE_TABLE_NAME: 'other_table.v2',
      AWS_REGION: 'us-gov-west-1',
      CONFIG_PREFIX: '/platform/runner-configs',
      PIPELINE_NAME_PREFIX: 'ci.runner_',
      STALE_BUILDING_THRESHOLD_MINUTES: '45',
      RECONCILIATION_BUDGET_SECONDS: '10',
      RECONCILIATION_CONCURRENCY: '3',
      RUNNER_COUNTS_TTL_SECONDS: '60',
      JOB_MAX_RUNTIME_HOURS: '2',
      RUNNER_COUNTS_FULL_REFRESH_MINUTES: '10',
      RECONCILIATION_RECHECK_SECONDS: '120',
      SSM_VERIFY_SECONDS: '60',
      SSM_VERIFY_ENABLED: 'false',
      RUNNER_COUNTS_ENABLED: 'False',
      POWERTOOLS_METRICS_DISABLED: 'true',
      JOB_WAIT_WARNING_MINUTES: '5',
      JOB_WAIT_CRITICAL_MINUTES: '0',
      AMI_MAX_AGE_DAYS: '14',
      PIPELINE_CHECK_TTL_SECONDS: '30',
      GITHUB_APP_ID: '123456',
      PRIVATE_KEY_SECRET_ARN: SECRET_ARN,
      GITHUB_SERVER_URL: 'https://github.example.com/',
      GITHUB_CHECK_TTL_SECONDS: '60',
      GITHUB_REQUEST_TIMEOUT_SECONDS: '2',
    };

    // Act
    const config = parseAppConfig(env);

    // Assess
    expect(config).toEqual({
      stateTableName: 'other_table.v2',
      configPrefix: '/platform/runner-configs',
      pipelineNamePrefix: 'ci.runner_',
      staleBuildingThresholdMs: 2_700_000,
      reconciliationBudgetMs: 10_000,
      reconciliationConcurrency: 3,
      reconciliationRecheckMs: 120_000,
      ssmVerifyEnabled: false,
      ssmVerifyMs: 60_000,
      runnerCountsEnabled: false,
      runnerCountsTtlMs: 60_000,
      jobMaxRuntimeMs: 2 * 3_600_000,
      runnerCountsFullRefreshMs: 10 * 60_000,
      jobWaitWarningMs: 5 * 60_000,
      jobWaitCriticalMs: 0,
      amiMaxAgeMs: 14 * 86_400_000,
      pipelineCheckTtlMs: 30_000,
      awsRegion: 'us-gov-west-1',
      metricsEnabled: false,
      github: {
        appId: '123456',
        privateKeySecretArn: SECRET_ARN,
        apiUrl: 'https://github.example.com/api/v3',
        checkTtlMs: 60_000,
        requestTimeoutMs: 2_000,
      },
    });
  });

  it('converts the staleness threshold from minutes to milliseconds', () => {
    const config = parseAppConfig({ ...minimalEnv, STALE_BUILDING_THRESHOLD_MINUTES: '1' });

    expect(config.staleBuildingThresholdMs).toBe(60_000);
  });

  it('accepts the largest staleness threshold, one week', () => {
    const config = parseAppConfig({ ...minimalEnv, STALE_BUILDING_THRESHOLD_MINUTES: '10080' });

    expect(config.staleBuildingThresholdMs).toBe(604_800_000);
  });

  it('trims surrounding whitespace from values', () => {
    // Prepare
    const env = { STATE_TABLE_NAME: ' spot-runner-state ', AWS_REGION: 'eu-west-1\n', CONFIG_PREFIX: ' /c ' };

    // Act
    const config = parseAppConfig(env);

    // Assess
    expect(config).toMatchObject({
      stateTableName: 'spot-runner-state',
      awsRegion: 'eu-west-1',
      configPrefix: '/c',
    });
  });

  it('treats an empty optional variable as unset', () => {
    const config = parseAppConfig({ ...minimalEnv, CONFIG_PREFIX: '', RECONCILIATION_CONCURRENCY: '  ' });

    expect(config).toMatchObject({ configPrefix: '/spot-runner/configs', reconciliationConcurrency: 20 });
  });

  describe('the switches', () => {
    it('leaves the runner counts, the runner config check and the metrics on unless told', () => {
      expect(parseAppConfig(minimalEnv)).toMatchObject({
        runnerCountsEnabled: true,
        ssmVerifyEnabled: true,
        metricsEnabled: true,
      });
    });

    it('reads RUNNER_COUNTS_ENABLED and SSM_VERIFY_ENABLED as true or false, in any case, empty as unset', () => {
      const off = parseAppConfig({
        ...minimalEnv,
        RUNNER_COUNTS_ENABLED: ' FALSE ',
        SSM_VERIFY_ENABLED: 'false',
      });
      const on = parseAppConfig({ ...minimalEnv, RUNNER_COUNTS_ENABLED: 'True', SSM_VERIFY_ENABLED: '' });

      expect(off).toMatchObject({ runnerCountsEnabled: false, ssmVerifyEnabled: false });
      expect(on).toMatchObject({ runnerCountsEnabled: true, ssmVerifyEnabled: true });
    });

    it('says what a switch takes', () => {
      expect(() => parseAppConfig({ ...minimalEnv, RUNNER_COUNTS_ENABLED: 'off' })).toThrow(
        'Invalid configuration: RUNNER_COUNTS_ENABLED must be true or false; got "off"',
      );
    });

    it.each([
      ['true', false],
      ['TRUE', false],
      ['1', false],
      ['on', false],
      ['false', true],
      ['0', true],
      ['no', true],
    ])('reads POWERTOOLS_METRICS_DISABLED=%j as Powertools does: metrics enabled %j', (value, enabled) => {
      expect(parseAppConfig({ ...minimalEnv, POWERTOOLS_METRICS_DISABLED: value }).metricsEnabled).toBe(
        enabled,
      );
    });
  });

  it('says a required variable is not set', () => {
    expect(() => parseAppConfig({ AWS_REGION: 'eu-west-1' })).toThrow(
      new InvalidConfigError('STATE_TABLE_NAME', 'the name of the DynamoDB state table', undefined),
    );
  });

  it('reports the message naming the variable, what it expected and what it got', () => {
    expect(() => parseAppConfig({ ...minimalEnv, RECONCILIATION_CONCURRENCY: 'many' })).toThrow(
      'Invalid configuration: RECONCILIATION_CONCURRENCY must be an integer from 1 to 50; got "many"',
    );
  });

  it('throws an InvalidConfigError', () => {
    expect(() => parseAppConfig({})).toThrow(InvalidConfigError);
  });

  it.each([
    ['STATE_TABLE_NAME', undefined],
    ['STATE_TABLE_NAME', '   '],
    ['STATE_TABLE_NAME', 'ab'],
    ['STATE_TABLE_NAME', 'table/with/slashes'],
    ['AWS_REGION', undefined],
    ['AWS_REGION', 'Ireland'],
    ['AWS_REGION', 'eu-west'],
    ['CONFIG_PREFIX', 'spot-runner/configs'],
    ['CONFIG_PREFIX', '/spot-runner/configs/'],
    ['CONFIG_PREFIX', '/'],
    ['CONFIG_PREFIX', '/spot-runner//configs'],
    ['CONFIG_PREFIX', '/spot-runner/configs!'],
    ['PIPELINE_NAME_PREFIX', 'spot runner'],
    ['PIPELINE_NAME_PREFIX', 'spot/runner-'],
    ['STALE_BUILDING_THRESHOLD_MINUTES', '0'],
    ['STALE_BUILDING_THRESHOLD_MINUTES', '10081'],
    ['STALE_BUILDING_THRESHOLD_MINUTES', '1.5'],
    ['STALE_BUILDING_THRESHOLD_MINUTES', '-5'],
    ['STALE_BUILDING_THRESHOLD_MINUTES', '30m'],
    ['RECONCILIATION_BUDGET_SECONDS', '0'],
    ['RECONCILIATION_BUDGET_SECONDS', '901'],
    ['RECONCILIATION_CONCURRENCY', '0'],
    ['RECONCILIATION_CONCURRENCY', '51'],
    ['GITHUB_APP_ID', 'my-app'],
    ['GITHUB_APP_ID', '12 34'],
    ['PRIVATE_KEY_SECRET_ARN', 'github-app-key'],
    ['PRIVATE_KEY_SECRET_ARN', 'arn:aws:ssm:eu-west-1:123456789012:parameter/key'],
    ['GITHUB_SERVER_URL', 'github.com'],
    ['GITHUB_SERVER_URL', 'ftp://github.example.com'],
    ['GITHUB_SERVER_URL', 'https://user:token@github.example.com'],
    ['GITHUB_SERVER_URL', 'https://github.example.com/?x=1'],
    ['GITHUB_CHECK_TTL_SECONDS', '0'],
    ['RUNNER_COUNTS_TTL_SECONDS', '0'],
    ['RECONCILIATION_RECHECK_SECONDS', '0'],
    ['SSM_VERIFY_SECONDS', '0'],
    ['RUNNER_COUNTS_TTL_SECONDS', '3601'],
    ['JOB_MAX_RUNTIME_HOURS', '0'],
    ['JOB_MAX_RUNTIME_HOURS', '169'],
    ['RUNNER_COUNTS_FULL_REFRESH_MINUTES', '0'],
    ['RUNNER_COUNTS_FULL_REFRESH_MINUTES', '1441'],
    ['GITHUB_REQUEST_TIMEOUT_SECONDS', '26'],
    ['JOB_WAIT_WARNING_MINUTES', '0'],
    ['JOB_WAIT_CRITICAL_MINUTES', '-1'],
    ['JOB_WAIT_CRITICAL_MINUTES', '10081'],
    ['AMI_MAX_AGE_DAYS', '0'],
    ['PIPELINE_CHECK_TTL_SECONDS', '0'],
    ['RUNNER_COUNTS_ENABLED', 'no'],
    ['RUNNER_COUNTS_ENABLED', '0'],
    ['RUNNER_COUNTS_ENABLED', 'off'],
    ['SSM_VERIFY_ENABLED', 'yes'],
    ['SSM_VERIFY_ENABLED', '1'],
    ['POWERTOOLS_METRICS_DISABLED', 'sometimes'],
    ['POWERTOOLS_METRICS_DISABLED', ''],
  ])('rejects %s=%j with an error naming the variable', (variable, value) => {
    // Prepare
    const env = { ...minimalEnv, [variable]: value };

    // Act
    const parse = () => parseAppConfig(env);

    // Assess
    expect(parse).toThrow(InvalidConfigError);
    expect(parse).toThrow(`Invalid configuration: ${variable} must be `);
  });
});

describe('githubApiUrl', () => {
  it.each([
    ['https://github.com', 'https://api.github.com'],
    ['https://github.com/', 'https://api.github.com'],
    ['https://GitHub.com', 'https://api.github.com'],
    ['https://github.example.com', 'https://github.example.com/api/v3'],
    ['https://github.example.com/', 'https://github.example.com/api/v3'],
    ['https://git.example.com:8443/github//', 'https://git.example.com:8443/github/api/v3'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080/api/v3'],
  ])('maps the server %s to the API at %s', (serverUrl, apiUrl) => {
    expect(githubApiUrl(serverUrl)).toBe(apiUrl);
  });

  it.each(['github.com', 'ftp://github.com', 'https://token@github.com', 'https://github.com/#x', ''])(
    'refuses %j',
    (serverUrl) => {
      expect(githubApiUrl(serverUrl)).toBeUndefined();
    },
  );
});

describe('each entry point validates only the variables it uses', () => {
  const statusOnly = {
    STALE_BUILDING_THRESHOLD_MINUTES: 'abc',
    RECONCILIATION_BUDGET_SECONDS: '0',
    RECONCILIATION_CONCURRENCY: 'many',
    RUNNER_COUNTS_TTL_SECONDS: '-1',
    JOB_MAX_RUNTIME_HOURS: 'long',
    RUNNER_COUNTS_FULL_REFRESH_MINUTES: 'x',
    RECONCILIATION_RECHECK_SECONDS: 'soon',
    SSM_VERIFY_SECONDS: 'often',
    SSM_VERIFY_ENABLED: 'no',
    RUNNER_COUNTS_ENABLED: 'no',
    JOB_WAIT_WARNING_MINUTES: 'x',
    JOB_WAIT_CRITICAL_MINUTES: 'x',
    AMI_MAX_AGE_DAYS: 'old',
    PIPELINE_CHECK_TTL_SECONDS: 'x',
    GITHUB_APP_ID: 'my-app',
    PRIVATE_KEY_SECRET_ARN: 'a-name',
    GITHUB_SERVER_URL: 'ftp://github.example.com',
    GITHUB_CHECK_TTL_SECONDS: 'x',
    GITHUB_REQUEST_TIMEOUT_SECONDS: 'x',
  };

  it.each(Object.entries(statusOnly))('the AMI update handler leaves %s=%j unread', (variable, value) => {
    const config = parseAppConfig({ ...minimalEnv, [variable]: value }, 'events');

    expect(config).toEqual({ ...parseAppConfig(minimalEnv), stateTableName: 'spot-runner-state' });
  });

  it.each(Object.entries(statusOnly))('GET /status rejects %s=%j', (variable, value) => {
    expect(() => parseAppConfig({ ...minimalEnv, [variable]: value }, 'status')).toThrow(
      `Invalid configuration: ${variable} must be `,
    );
  });

  it('the AMI update handler still validates the variables it uses', () => {
    expect(() => parseAppConfig({ ...minimalEnv, CONFIG_PREFIX: 'no-slash' }, 'events')).toThrow(
      'Invalid configuration: CONFIG_PREFIX must be ',
    );
  });

  it('the AMI update handler reads POWERTOOLS_METRICS_DISABLED too: it writes metric lines', () => {
    expect(
      parseAppConfig({ ...minimalEnv, POWERTOOLS_METRICS_DISABLED: 'true' }, 'events').metricsEnabled,
    ).toBe(false);
    expect(() => parseAppConfig({ ...minimalEnv, POWERTOOLS_METRICS_DISABLED: 'x' }, 'events')).toThrow(
      'Invalid configuration: POWERTOOLS_METRICS_DISABLED must be true or false; got "x"',
    );
  });

  it('PORT is the local server’s alone: 3000 by default, validated when it is read', () => {
    expect(parseAppConfig({ ...minimalEnv, PORT: 'http' })).not.toHaveProperty('port');
    expect(localServerPort({})).toBe(3000);
    expect(localServerPort({ PORT: ' 3001 ' })).toBe(3001);
    for (const bad of ['0', '65536', '1e3', 'http']) {
      expect(() => localServerPort({ PORT: bad })).toThrow(
        'Invalid configuration: PORT must be an integer from 1 to 65535',
      );
    }
  });

  it('HOST is the local server’s alone: loopback by default, another address when it says so', () => {
    expect(parseAppConfig({ ...minimalEnv, HOST: '0.0.0.0' })).not.toHaveProperty('host');
    expect(localServerHost({})).toBe('127.0.0.1');
    expect(localServerHost({ HOST: ' ' })).toBe('127.0.0.1');
    expect(localServerHost({ HOST: '0.0.0.0' })).toBe('0.0.0.0');
    expect(localServerHost({ HOST: '::1' })).toBe('::1');
    expect(localServerHost({ HOST: 'localhost' })).toBe('localhost');
    for (const bad of ['http://0.0.0.0', '127.0.0.1:3000x', 'a b']) {
      expect(() => localServerHost({ HOST: bad })).toThrow(
        'Invalid configuration: HOST must be an address to listen on, such as 127.0.0.1 or 0.0.0.0',
      );
    }
  });

  it('LOG_FORMAT is the local server’s alone: readable text by default, json when it says so', () => {
    expect(parseAppConfig({ ...minimalEnv, LOG_FORMAT: 'yaml' })).not.toHaveProperty('logFormat');
    expect(localServerLogFormat({})).toBe('text');
    expect(localServerLogFormat({ LOG_FORMAT: ' ' })).toBe('text');
    expect(localServerLogFormat({ LOG_FORMAT: 'text' })).toBe('text');
    expect(localServerLogFormat({ LOG_FORMAT: ' json ' })).toBe('json');
    for (const bad of ['JSON', 'yaml', 'pretty']) {
      expect(() => localServerLogFormat({ LOG_FORMAT: bad })).toThrow(
        `Invalid configuration: LOG_FORMAT must be text (readable lines, the default) or json (the Lambda's JSON lines and metric lines); got "${bad}"`,
      );
    }
  });

  it('the local server’s settings are read together, the first bad one stopping it', () => {
    expect(localServerConfig({})).toEqual({ host: '127.0.0.1', port: 3000, logFormat: 'text' });
    expect(localServerConfig({ HOST: '::1', PORT: '8080', LOG_FORMAT: 'json' })).toEqual({
      host: '::1',
      port: 8080,
      logFormat: 'json',
    });
    expect(() => localServerConfig({ LOG_FORMAT: 'yaml' })).toThrow(InvalidConfigError);
  });
});
