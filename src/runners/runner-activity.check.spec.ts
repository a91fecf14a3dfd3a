import { AppLogger } from '../logging/app-logger';
import { finding } from '../readiness/findings';
import { strictMock } from '../testing/strict-mock';
import { testConfig } from '../testing/test-config';
import { RunnerActivityCheck, runnerActivityResult } from './runner-activity.check';
import { RunnerActivityService } from './runner-activity.service';

const OUTCOMES = { completed: 1, failed: 0, timeout: 0, interrupted: 0 };
const ACTIVITY = {
  runners: { pending: 1, provisioning: 0, running: 2 },
  recentActivity: { lastHour: OUTCOMES, last24Hours: OUTCOMES },
};
const QUEUE = { oldestPendingAgeSeconds: 95, oldestProvisioningAgeSeconds: null };

describe(RunnerActivityCheck.name, () => {
  describe('check', () => {
    it('answers the counts and the queue under the contract’s names, the runners as a note and the oldest pending age in seconds, read within the request’s deadline', async () => {
      // Prepare
      const service = strictMock<RunnerActivityService>('RunnerActivityService');
      service.activity.mockResolvedValue({ activity: ACTIVITY, queue: QUEUE });
      const deadline = new AbortController().signal;

      // Act
      const result = await new RunnerActivityCheck(service, testConfig(), new AppLogger()).check(deadline);

      // Assess
      expect(result).toEqual({
        fields: { runners: ACTIVITY.runners, recentActivity: ACTIVITY.recentActivity, queue: QUEUE },
        note: '2 runners running, 1 runner pending',
        findings: [],
        metrics: [{ name: 'OldestPendingJobAgeSeconds', value: 95 }],
      });
      expect(service.activity).toHaveBeenCalledWith(deadline);
    });

    it('judges the queue by JOB_WAIT_WARNING_MINUTES and JOB_WAIT_CRITICAL_MINUTES', async () => {
      const service = strictMock<RunnerActivityService>('RunnerActivityService');
      service.activity.mockResolvedValue({ activity: ACTIVITY, queue: QUEUE });
      const config = testConfig({ jobWaitWarningMs: 30_000, jobWaitCriticalMs: 90_000 });

      const result = await new RunnerActivityCheck(service, config, new AppLogger()).check(
        new AbortController().signal,
      );

      expect(result.findings).toEqual([finding('jobs-stuck', 'jobs', { minutes: 1 })]);
    });

    it('reads no job record while RUNNER_COUNTS_ENABLED is false: the fields null, no finding, no metric, no warning', async () => {
      // Prepare: the strict service throws on any read.
      const service = strictMock<RunnerActivityService>('RunnerActivityService');
      const logger = new AppLogger();
      const warn = jest.spyOn(logger, 'warn');
      const off = testConfig({ runnerCountsEnabled: false });

      // Act
      const result = await new RunnerActivityCheck(service, off, logger).check(new AbortController().signal);

      // Assess
      expect(result).toEqual({
        fields: { runners: null, recentActivity: null, queue: null },
        findings: [],
        metrics: [],
      });
      expect(service.activity).not.toHaveBeenCalled();
      expect(warn).not.toHaveBeenCalled();
    });
  });

  describe('onApplicationBootstrap', () => {
    it('says once, at start-up, that the counts are off (runner-counts-off)', () => {
      const logger = new AppLogger();
      const info = jest.spyOn(logger, 'info');
      const check = new RunnerActivityCheck(
        strictMock<RunnerActivityService>('RunnerActivityService'),
        testConfig({ runnerCountsEnabled: false }),
        logger,
      );

      check.onApplicationBootstrap();

      expect(info).toHaveBeenCalledTimes(1);
      expect(info).toHaveBeenCalledWith(expect.any(String), { outcome: 'runner-counts-off' });
    });

    it('says nothing while the counts are on', () => {
      const logger = new AppLogger();
      const info = jest.spyOn(logger, 'info');
      const check = new RunnerActivityCheck(
        strictMock<RunnerActivityService>('RunnerActivityService'),
        testConfig(),
        logger,
      );

      check.onApplicationBootstrap();

      expect(info).not.toHaveBeenCalled();
    });
  });
});

describe(runnerActivityResult.name, () => {
  const THRESHOLDS = testConfig();

  it('is the platform’s problem when a job is stuck: the fixed sentence, and its critical finding', () => {
    const stuck = { oldestPendingAgeSeconds: 2 * 3600, oldestProvisioningAgeSeconds: 30 };

    const result = runnerActivityResult({ activity: ACTIVITY, queue: stuck }, THRESHOLDS);

    expect(result).toMatchObject({
      problem: 'Jobs stuck waiting for a runner',
      findings: [finding('jobs-stuck', 'jobs', { minutes: 120 })],
      metrics: [{ name: 'OldestPendingJobAgeSeconds', value: 7200 }],
    });
  });

  it('is no problem with a warning: a job waiting past the warning wait', () => {
    const waiting = { oldestPendingAgeSeconds: 20 * 60, oldestProvisioningAgeSeconds: null };

    const result = runnerActivityResult({ activity: ACTIVITY, queue: waiting }, THRESHOLDS);

    expect(result.problem).toBeUndefined();
    expect(result.findings).toEqual([finding('jobs-waiting', 'jobs', { minutes: 20 })]);
  });

  it('tells CloudWatch 0 when the queue was read and no job is pending', () => {
    const noneWaiting = { oldestPendingAgeSeconds: null, oldestProvisioningAgeSeconds: 40 };

    expect(runnerActivityResult({ activity: ACTIVITY, queue: noneWaiting }, THRESHOLDS)).toMatchObject({
      findings: [],
      metrics: [{ name: 'OldestPendingJobAgeSeconds', value: 0 }],
    });
  });

  it('never guesses: counts and a queue that cannot be read are null, the check unavailable, no metric', () => {
    expect(runnerActivityResult({ activity: null, queue: null }, THRESHOLDS)).toEqual({
      fields: { runners: null, recentActivity: null, queue: null },
      findings: [finding('check-unavailable', 'jobs', { check: 'jobs-waiting' })],
      metrics: [],
    });
  });

  it('keeps the queue when only the counts cannot be read, and the counts when only the queue cannot', () => {
    expect(runnerActivityResult({ activity: null, queue: QUEUE }, THRESHOLDS)).toEqual({
      fields: { runners: null, recentActivity: null, queue: QUEUE },
      findings: [],
      metrics: [{ name: 'OldestPendingJobAgeSeconds', value: 95 }],
    });
    expect(runnerActivityResult({ activity: ACTIVITY, queue: null }, THRESHOLDS).fields).toEqual({
      runners: ACTIVITY.runners,
      recentActivity: ACTIVITY.recentActivity,
      queue: null,
    });
  });
});
