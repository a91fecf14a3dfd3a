import { InvalidConfigError, parseAppConfig } from './app-config';

const minimalEnv = { STATE_TABLE_NAME: 'spot-runner-state', AWS_REGION: 'eu-west-1' };

describe('parseAppConfig', () => {
  it('uses the defaults when only the required variables are set', () => {
    expect(parseAppConfig(minimalEnv)).toEqual({
      stateTableName: 'spot-runner-state',
      configPrefix: '/spot-runner/configs',
      pipelineNamePrefix: 'spot-runner-',
      staleBuildingThresholdMs: 30 * 60_000,
      reconciliationBudgetMs: 20_000,
      reconciliationConcurrency: 20,
      awsRegion: 'eu-west-1',
      port: 3000,
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
      PORT: '8080',
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
      awsRegion: 'us-gov-west-1',
      port: 8080,
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
    const env = { STATE_TABLE_NAME: ' spot-runner-state ', AWS_REGION: 'eu-west-1\n', PORT: ' 3001 ' };

    // Act
    const config = parseAppConfig(env);

    // Assess
    expect(config).toMatchObject({ stateTableName: 'spot-runner-state', awsRegion: 'eu-west-1', port: 3001 });
  });

  it('treats an empty optional variable as unset', () => {
    const config = parseAppConfig({ ...minimalEnv, CONFIG_PREFIX: '', RECONCILIATION_CONCURRENCY: '  ' });

    expect(config).toMatchObject({ configPrefix: '/spot-runner/configs', reconciliationConcurrency: 20 });
  });

  it('says a required variable is not set', () => {
    expect(() => parseAppConfig({ AWS_REGION: 'eu-west-1' })).toThrow(
      new InvalidConfigError('STATE_TABLE_NAME', 'the name of the DynamoDB state table', undefined),
    );
  });

  it('reports the message naming the variable, what it expected and what it got', () => {
    expect(() => parseAppConfig({ ...minimalEnv, PORT: 'http' })).toThrow(
      'Invalid configuration: PORT must be an integer from 1 to 65535; got "http"',
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
    ['PORT', '0'],
    ['PORT', '65536'],
    ['PORT', '1e3'],
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
