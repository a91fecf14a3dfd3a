import { ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import { AmiStateUnavailableError } from '../ami-state/ami-state-unavailable.error';
import { readiness } from '../github/github-readiness';
import { GitHubReadinessCheck } from '../github/github-readiness.check';
import { GitHubReadinessService } from '../github/github-readiness.service';
import { AppLogger } from '../logging/app-logger';
import { METRIC_NAMES } from '../metrics/metric-names';
import { MetricsPublisher } from '../metrics/metrics-publisher';
import { finding } from '../readiness/findings';
import type { ReadinessCheck, ReadinessCheckResult } from '../readiness/readiness-check';
import type { PresetPipelines } from '../reconciliation/pipeline-report';
import { ReconciliationService } from '../reconciliation/reconciliation.service';
import { RunnerActivityCheck } from '../runners/runner-activity.check';
import { RunnerActivityService } from '../runners/runner-activity.service';
import { aReadyAmiRecord } from '../testing/ami-record.fixture';
import { CONNECTED_GITHUB } from '../testing/github-readiness.fixture';
import { strictMock } from '../testing/strict-mock';
import { testConfig } from '../testing/test-config';
import { StatusPage } from './page/status-page';
import { LambdaRemainingTime } from './lambda-remaining-time';
import { ReadinessChecks } from './readiness-checks';
import { StatusController } from './status.controller';

/** The fields a pipelines check, as the next issue adds, would give the response. */
interface PipelinesFields {
  pipelines: { enabled: number; disabled: number };
}

/** A third check, the way a new one is added: a provider implementing the port. */
class PipelinesCheck implements ReadinessCheck<PipelinesFields> {
  readonly deadlines: AbortSignal[] = [];

  constructor(private readonly result: ReadinessCheckResult<PipelinesFields>) {}

  check(deadline: AbortSignal): Promise<ReadinessCheckResult<PipelinesFields>> {
    this.deadlines.push(deadline);
    return Promise.resolve(this.result);
  }
}

/** The queue read, with no job waiting. */
const NO_JOB_WAITING = { oldestPendingAgeSeconds: null, oldestProvisioningAgeSeconds: null };

/** The pipelines as the third check reports them. */
const PIPELINES: PipelinesFields = { pipelines: { enabled: 2, disabled: 0 } };

// Its metric would get a name of its own in metric-names.ts; a known one stands in for it.
const PIPELINES_POINT = {
  name: METRIC_NAMES.reconciliationsUnresolved,
  value: 1,
  dimension: { name: 'Reason', value: 'pipeline-disabled' },
} as const;

/**
 * The controller over visible mocks, with the list of today's two checks plus `third`: one
 * ready preset, its pipeline as `pipelines` says (nothing reported by default), GitHub as
 * `github` says, two runners running, no job waiting.
 */
function newController(
  third: PipelinesCheck,
  github = CONNECTED_GITHUB,
  pipelines: PresetPipelines = new Map(),
) {
  const reconciliation = strictMock<ReconciliationService>('ReconciliationService');
  const seen = { checksStartedBeforeReconciliation: 0 };
  reconciliation.reconcile.mockImplementation(() => {
    seen.checksStartedBeforeReconciliation = third.deadlines.length;
    return Promise.resolve({
      records: [{ kind: 'valid', record: aReadyAmiRecord() }],
      reconciliations: [],
      stalePresets: 0,
      runnerConfigProblems: new Map(),
      pipelines,
    });
  });
  const githubReadiness = strictMock<GitHubReadinessService>('GitHubReadinessService');
  githubReadiness.check.mockResolvedValue(github);
  const runnerActivity = strictMock<RunnerActivityService>('RunnerActivityService');
  const outcomes = { completed: 0, failed: 0, timeout: 0, interrupted: 0 };
  runnerActivity.activity.mockResolvedValue({
    activity: {
      runners: { pending: 0, provisioning: 0, running: 2 },
      recentActivity: { lastHour: outcomes, last24Hours: outcomes },
    },
    queue: NO_JOB_WAITING,
  });
  const checks = new ReadinessChecks([
    new GitHubReadinessCheck(githubReadiness),
    new RunnerActivityCheck(runnerActivity, testConfig(), strictMock<AppLogger>('AppLogger')),
    third,
  ]);
  const metrics = strictMock<MetricsPublisher>('MetricsPublisher', { publish: () => undefined });
  const logger = strictMock<AppLogger>('AppLogger');
  const controller = new StatusController(
    reconciliation,
    checks,
    strictMock<LambdaRemainingTime>('LambdaRemainingTime', { remainingMs: () => undefined }),
    testConfig(),
    logger,
    metrics,
    strictMock<StatusPage>('StatusPage'),
    { now: () => new Date('2026-11-23T12:00:00.000Z') },
  );
  const getJson = () => controller.getStatus('application/json', undefined, strictMock<Response>('Response'));
  return { getJson, reconciliation, metrics, logger, seen };
}

describe(StatusController.name, () => {
  describe('getStatus, with a third readiness check added to the list', () => {
    it('answers its fields beside the others’, and its note after theirs; it runs beside reconciliation, within the request’s deadline', async () => {
      // Prepare
      const third = new PipelinesCheck({
        fields: { pipelines: { enabled: 3, disabled: 0 } },
        note: '3 pipelines enabled',
      });
      const { getJson, reconciliation, seen } = newController(third);

      // Act
      const report = await getJson();

      // Assess
      expect(report).toEqual({
        status: 'ready',
        message: '1 preset ready, 2 runners running, 3 pipelines enabled',
        configuration: { privateKeyConfigured: true },
        github: CONNECTED_GITHUB.github,
        runners: { pending: 0, provisioning: 0, running: 2 },
        recentActivity: expect.any(Object),
        queue: NO_JOB_WAITING,
        pipelines: { enabled: 3, disabled: 0 },
        findings: [],
        presets: [expect.objectContaining({ name: 'linux-x64', status: 'ready' })],
        reconciliation: { presets: [] },
      });
      expect(seen.checksStartedBeforeReconciliation).toBe(1);
      expect(third.deadlines).toEqual([reconciliation.reconcile.mock.calls[0][0]]);
    });

    it('is degraded by its critical finding, listed with the others; its problem leads the message after the problems of the checks before it', async () => {
      // Prepare
      const disabled = finding('pipeline-disabled', 'linux-x64');
      const third = () =>
        new PipelinesCheck({
          fields: { pipelines: { enabled: 2, disabled: 1 } },
          problem: '1 pipeline disabled',
          findings: [{ ...disabled, severity: 'critical' }],
        });
      const alone = newController(third());
      const afterGitHub = newController(third(), readiness(true, 'unreachable'));

      // Act
      const reports = [await alone.getJson(), await afterGitHub.getJson()];

      // Assess
      expect(reports).toEqual([
        expect.objectContaining({
          status: 'degraded',
          message: '1 pipeline disabled; 1 preset ready, 2 runners running',
          findings: [{ ...disabled, severity: 'critical' }],
        }),
        expect.objectContaining({
          status: 'degraded',
          message: 'GitHub server unreachable; 1 pipeline disabled; 1 preset ready, 2 runners running',
          findings: [
            expect.objectContaining({ id: 'github-unreachable', subject: 'github-app' }),
            expect.objectContaining({ id: 'pipeline-disabled', subject: 'linux-x64' }),
          ],
        }),
      ]);
    });

    it('publishes its metrics beside reconciliation’s and the GitHub check’s', async () => {
      // Prepare
      const third = new PipelinesCheck({
        fields: { pipelines: { enabled: 2, disabled: 1 } },
        metrics: [PIPELINES_POINT],
      });
      const { getJson, metrics } = newController(third);

      // Act
      await getJson();

      // Assess
      expect(metrics.publish).toHaveBeenCalledTimes(1);
      expect(metrics.publish).toHaveBeenCalledWith([
        { name: 'StalePresets', value: 0 },
        { name: 'SsmUpdatesCompleted', value: 0 },
        { name: 'SsmDriftRepaired', value: 0 },
        { name: 'GitHubConnected', value: 1 },
        { name: 'OldestPendingJobAgeSeconds', value: 0 },
        PIPELINES_POINT,
      ]);
    });
  });

  describe('getStatus', () => {
    it('reports each preset with the pipeline reconciliation found, and the check’s warning when it could not run', async () => {
      // Prepare
      const pipeline = { status: 'DISABLED' as const, lastRunAt: null, nextRunAt: null };
      const checked = newController(
        new PipelinesCheck({ fields: PIPELINES }),
        CONNECTED_GITHUB,
        new Map([['linux-x64', pipeline]]),
      );
      const unchecked = newController(new PipelinesCheck({ fields: PIPELINES }), CONNECTED_GITHUB, null);

      // Act
      const [report, withoutCheck] = [await checked.getJson(), await unchecked.getJson()];

      // Assess
      expect(report).toMatchObject({
        status: 'ready',
        presets: [expect.objectContaining({ name: 'linux-x64', pipeline })],
        findings: [expect.objectContaining({ id: 'pipeline-disabled', subject: 'linux-x64' })],
      });
      expect(withoutCheck).toMatchObject({
        status: 'ready',
        presets: [expect.objectContaining({ name: 'linux-x64', pipeline: null })],
        findings: [expect.objectContaining({ id: 'check-unavailable', subject: 'platform' })],
      });
    });

    it('answers 503 "AMI state is temporarily unavailable" when the AMI records cannot be read, with one state-table-unavailable log line', async () => {
      // Prepare
      const { getJson, reconciliation, metrics, logger } = newController(
        new PipelinesCheck({ fields: PIPELINES }),
      );
      reconciliation.reconcile.mockRejectedValue(
        new AmiStateUnavailableError(
          new Error('arn:aws:dynamodb:eu-west-1:123456789012:table/state not found'),
        ),
      );
      logger.error.mockReturnValue(undefined);

      // Act
      const answer = getJson();

      // Assess
      await expect(answer).rejects.toBeInstanceOf(ServiceUnavailableException);
      await expect(answer).rejects.toThrow(/^AMI state is temporarily unavailable$/);
      expect(logger.error).toHaveBeenCalledTimes(1);
      expect(logger.error).toHaveBeenCalledWith(
        expect.any(String),
        expect.objectContaining({ outcome: 'state-table-unavailable' }),
      );
      expect(metrics.publish).not.toHaveBeenCalled();
    });

    it('lets any other error through to the error filter (a 500 there), unlogged here', async () => {
      const { getJson, reconciliation, logger } = newController(new PipelinesCheck({ fields: PIPELINES }));
      const bug = new TypeError('a bug');
      reconciliation.reconcile.mockRejectedValue(bug);

      await expect(getJson()).rejects.toBe(bug);
      expect(logger.error).not.toHaveBeenCalled();
    });
  });
});
