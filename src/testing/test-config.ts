import { AppConfig } from '../config/app-config';

/** The defaults the service runs with, for tests to adjust. */
export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
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
    ...overrides,
  };
}
