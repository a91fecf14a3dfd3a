import { ParsedAmiRecord } from '../ami-state/ami-record';
import { AmiTransitionService } from '../ami-state/ami-transition.service';
import { ReconciliationLimit } from '../ami-state/reconciliation-limit';
import { RunnerConfigProblems } from '../ami-state/runner-config-problems';
import { RunnerConfigRead, RunnerConfigStore } from '../ami-state/runner-config-store';
import { requestDeadline } from '../common/request-deadline';
import { AppLogger } from '../logging/app-logger';
import { aReadyAmiRecord, FIXTURE_AMI_ID } from '../testing/ami-record.fixture';
import { strictMock } from '../testing/strict-mock';
import { testConfig } from '../testing/test-config';
import { RunnerConfigVerifier } from './runner-config-verifier.service';

const NOW_MS = Date.parse('2026-11-23T12:00:00.000Z');
const ready: ParsedAmiRecord = { kind: 'valid', record: aReadyAmiRecord() };

/** The verifier over visible mocks of the runner configs and the transitions; the clock stands until `advance`. */
function newVerifier(config = testConfig()) {
  let nowMs = NOW_MS;
  const clock = { now: () => new Date(nowMs) };
  const runnerConfigs = strictMock<RunnerConfigStore>('RunnerConfigStore', {
    parameterName: (preset) => `/spot-runner/configs/${preset}`,
  });
  const transitions = strictMock<AmiTransitionService>('AmiTransitionService');
  const problems = new RunnerConfigProblems(config, clock);
  const logger = new AppLogger();
  const verifier = new RunnerConfigVerifier(
    runnerConfigs,
    transitions,
    config,
    logger,
    clock,
    new ReconciliationLimit(config),
    problems,
  );
  const advance = (ms: number) => (nowMs += ms);
  const reads = (read: RunnerConfigRead) =>
    runnerConfigs.readRunnerConfigs.mockResolvedValue(new Map([['linux-x64', read]]));
  return { verifier, runnerConfigs, transitions, problems, logger, advance, reads, config };
}

describe(RunnerConfigVerifier.name, () => {
  describe('verify', () => {
    it('finds nothing to do when the runner config holds the record’s AMI', async () => {
      const { verifier, transitions, problems, reads } = newVerifier();
      reads({ kind: 'found', amiId: FIXTURE_AMI_ID });

      const repaired = await verifier.verify([ready], requestDeadline(1_000));

      expect(repaired).toEqual([]);
      expect(transitions.repairRunnerConfig).not.toHaveBeenCalled();
      expect(problems.current('linux-x64')).toBeUndefined();
    });

    it.each(['ssm-parameter-missing', 'ssm-config-invalid'] as const)(
      'reports a runner config found %s and writes nothing to DynamoDB or SSM, with one warn line',
      async (problem) => {
        const { verifier, transitions, problems, logger, reads } = newVerifier();
        reads({ kind: 'problem', problem });
        const warn = jest.spyOn(logger, 'warn');

        const repaired = await verifier.verify([ready], requestDeadline(1_000));

        expect(repaired).toEqual([]);
        expect(transitions.repairRunnerConfig).not.toHaveBeenCalled();
        expect(problems.current('linux-x64')).toBe(problem);
        expect(warn).toHaveBeenCalledTimes(1);
        expect(warn).toHaveBeenCalledWith(
          expect.any(String),
          expect.objectContaining({ preset: 'linux-x64', outcome: problem }),
        );
      },
    );

    it('reads a missing runner config again only SSM_VERIFY_SECONDS later, and none of its calls in between', async () => {
      const { verifier, runnerConfigs, problems, reads, advance, config } = newVerifier();
      reads({ kind: 'problem', problem: 'ssm-parameter-missing' });
      await verifier.verify([ready], requestDeadline(1_000));

      advance(config.ssmVerifyMs - 1);
      await verifier.verify([ready], requestDeadline(1_000));
      const readsBeforeDue = runnerConfigs.readRunnerConfigs.mock.calls.length;
      advance(1);
      reads({ kind: 'found', amiId: FIXTURE_AMI_ID });
      await verifier.verify([ready], requestDeadline(1_000));

      expect(readsBeforeDue).toBe(1);
      expect(runnerConfigs.readRunnerConfigs).toHaveBeenCalledTimes(2);
      expect(problems.current('linux-x64')).toBeUndefined();
    });

    it('sets a config that holds another AMI to the record’s again (drift), as before', async () => {
      const { verifier, transitions, reads } = newVerifier();
      reads({ kind: 'found', amiId: 'ami-0999999999999999a' });
      transitions.repairRunnerConfig.mockResolvedValue({ record: aReadyAmiRecord(), ssmConfig: 'updated' });

      const repaired = await verifier.verify([ready], requestDeadline(1_000));

      expect(repaired).toEqual([expect.objectContaining({ kind: 'ssm-drift-repaired', cached: false })]);
    });

    it('reads no runner config and repairs nothing while SSM_VERIFY_ENABLED is false, with no warning', async () => {
      // Prepare: the strict store throws on any read.
      const { verifier, runnerConfigs, transitions, logger } = newVerifier(
        testConfig({ ssmVerifyEnabled: false }),
      );
      const warn = jest.spyOn(logger, 'warn');

      // Act
      const repaired = await verifier.verify([ready], requestDeadline(1_000));

      // Assess
      expect(repaired).toEqual([]);
      expect(runnerConfigs.readRunnerConfigs).not.toHaveBeenCalled();
      expect(transitions.repairRunnerConfig).not.toHaveBeenCalled();
      expect(warn).not.toHaveBeenCalled();
    });
  });

  describe('onApplicationBootstrap', () => {
    it('says once, at start-up, that the check is off (ssm-verify-off)', () => {
      const { verifier, logger } = newVerifier(testConfig({ ssmVerifyEnabled: false }));
      const info = jest.spyOn(logger, 'info');

      verifier.onApplicationBootstrap();

      expect(info).toHaveBeenCalledTimes(1);
      expect(info).toHaveBeenCalledWith(expect.any(String), { outcome: 'ssm-verify-off' });
    });

    it('says nothing while the check is on', () => {
      const { verifier, logger } = newVerifier();
      const info = jest.spyOn(logger, 'info');

      verifier.onApplicationBootstrap();

      expect(info).not.toHaveBeenCalled();
    });
  });
});
