import { finding } from '../readiness/findings';
import { testConfig } from '../testing/test-config';
import {
  ageSeconds,
  isInstant,
  JobQueue,
  jobQueueFindings,
  jobQueueProblem,
  JOBS_STUCK_PROBLEM,
} from './job-queue';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const MINUTE = 60;
/** The defaults: a warning past 15 minutes, jobs-stuck past 60. */
const THRESHOLDS = testConfig();

/** The queue with the oldest pending job `seconds` old, and none provisioning. */
const pendingFor = (seconds: number): JobQueue => ({
  oldestPendingAgeSeconds: seconds,
  oldestProvisioningAgeSeconds: null,
});

describe('ageSeconds', () => {
  it('counts whole seconds, rounded down', () => {
    expect(ageSeconds('2026-12-01T11:58:59.001Z', NOW)).toBe(60);
    expect(ageSeconds('2026-12-01T11:59:00.000Z', NOW)).toBe(60);
  });

  it('is never negative: a createdAt in the future (clock skew) counts as 0', () => {
    expect(ageSeconds('2026-12-01T12:00:30.000Z', NOW)).toBe(0);
    expect(ageSeconds(NOW.toISOString(), NOW)).toBe(0);
  });

  it('compares instants, not strings: an offset counts', () => {
    expect(ageSeconds('2026-12-01T13:30:00+02:00', NOW)).toBe(30 * MINUTE);
  });
});

describe('isInstant', () => {
  it('takes a string that names an instant, and nothing else', () => {
    expect(['2026-12-01T11:00:00.000Z', '2026-12-01T13:30:00+02:00'].map(isInstant)).toEqual([true, true]);
    expect(['1764590400', 'soon', 1_764_590_400, null, undefined].map(isInstant)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('jobQueueFindings', () => {
  describe('jobs-stuck', () => {
    it('fires when the oldest pending job has waited longer than JOB_WAIT_CRITICAL_MINUTES, alone', () => {
      expect(jobQueueFindings(pendingFor(60 * MINUTE + 1), THRESHOLDS)).toEqual([
        finding('jobs-stuck', 'jobs', { minutes: 60 }),
      ]);
    });

    it('does not fire at exactly the critical wait: jobs-waiting does', () => {
      expect(jobQueueFindings(pendingFor(60 * MINUTE), THRESHOLDS)).toEqual([
        finding('jobs-waiting', 'jobs', { minutes: 60 }),
      ]);
    });

    it('never fires with JOB_WAIT_CRITICAL_MINUTES 0: a week’s wait is jobs-waiting', () => {
      const off = testConfig({ jobWaitCriticalMs: 0 });

      expect(jobQueueFindings(pendingFor(7 * 24 * 60 * MINUTE), off)).toEqual([
        finding('jobs-waiting', 'jobs', { minutes: 7 * 24 * 60 }),
      ]);
    });

    it('says the wait in minutes', () => {
      expect(jobQueueFindings(pendingFor(95 * MINUTE + 59), THRESHOLDS)[0].summary).toBe(
        'The oldest pending job has waited 95 minutes for a runner.',
      );
    });
  });

  describe('jobs-waiting', () => {
    it('fires when the oldest pending job has waited longer than JOB_WAIT_WARNING_MINUTES', () => {
      expect(jobQueueFindings(pendingFor(15 * MINUTE + 1), THRESHOLDS)).toEqual([
        finding('jobs-waiting', 'jobs', { minutes: 15 }),
      ]);
    });

    it('does not fire at exactly the warning wait', () => {
      expect(jobQueueFindings(pendingFor(15 * MINUTE), THRESHOLDS)).toEqual([]);
    });

    it('judges the pending jobs only: none pending, however long one provisions, is no finding', () => {
      const provisioningOnly = {
        oldestPendingAgeSeconds: null,
        oldestProvisioningAgeSeconds: 5 * 60 * MINUTE,
      };

      expect(jobQueueFindings(provisioningOnly, THRESHOLDS)).toEqual([]);
    });
  });

  describe('check-unavailable', () => {
    it('fires, naming the jobs-waiting check, when the queue could not be read', () => {
      expect(jobQueueFindings(null, THRESHOLDS)).toEqual([
        finding('check-unavailable', 'jobs', { check: 'jobs-waiting' }),
      ]);
    });

    it('does not fire for a queue read with no job in it', () => {
      const empty = { oldestPendingAgeSeconds: null, oldestProvisioningAgeSeconds: null };

      expect(jobQueueFindings(empty, THRESHOLDS)).toEqual([]);
    });
  });
});

describe('jobQueueProblem', () => {
  it('is the fixed sentence with jobs-stuck, and nothing with a warning', () => {
    expect(jobQueueProblem(jobQueueFindings(pendingFor(61 * MINUTE), THRESHOLDS))).toBe(JOBS_STUCK_PROBLEM);
    expect(jobQueueProblem(jobQueueFindings(pendingFor(59 * MINUTE), THRESHOLDS))).toBeUndefined();
    expect(jobQueueProblem(jobQueueFindings(null, THRESHOLDS))).toBeUndefined();
  });
});
