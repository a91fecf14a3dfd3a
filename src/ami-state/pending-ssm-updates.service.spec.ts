import { aReadyAmiRecord, FIXTURE_AMI_ID } from '../testing/ami-record.fixture';
import { strictMock } from '../testing/strict-mock';
import { testConfig } from '../testing/test-config';
import { AmiTransitionService } from './ami-transition.service';
import { PendingSsmUpdates } from './pending-ssm-updates.service';
import { ReconciliationLimit } from './reconciliation-limit';
import { RunnerConfigProblems } from './runner-config-problems';

const NEWER_AMI = 'ami-0999999999999999a';
const NOW_MS = Date.parse('2026-11-23T12:10:00.000Z');
/** linux-x64, ready, its runner config still to get the record's AMI. */
const pending = aReadyAmiRecord({ ssmPendingAmiId: FIXTURE_AMI_ID });
const done = aReadyAmiRecord({ updatedAt: '2026-11-23T12:05:00.000Z' });

/** The service over a visible mock of the transitions, bounded at `concurrency`. */
function newService(concurrency = 20) {
  const transitions = strictMock<AmiTransitionService>('AmiTransitionService');
  const limit = new ReconciliationLimit({ ...testConfig(), reconciliationConcurrency: concurrency });
  const problems = new RunnerConfigProblems(testConfig(), { now: () => new Date(NOW_MS) });
  return { service: new PendingSsmUpdates(transitions, limit, problems), transitions, problems };
}

/** A promise and its resolver, to hold a transition in flight. */
function held<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

describe(PendingSsmUpdates.name, () => {
  describe('complete', () => {
    it('reports ssm-update-completed when the mark is cleared', async () => {
      const { service, transitions } = newService();
      transitions.completeSsmUpdate.mockResolvedValue({ record: done, ssmConfig: 'updated' });
      const deadline = AbortSignal.timeout(1_000);

      const update = await service.complete(pending, deadline);

      expect(transitions.completeSsmUpdate.mock.calls).toEqual([[pending, deadline]]);
      expect(update).toEqual({
        kind: 'ssm-update-completed',
        record: done,
        ssmConfig: 'updated',
        cached: false,
      });
    });

    it('reports ssm-update-pending when the SSM write failed, the mark kept', async () => {
      const { service, transitions } = newService();
      transitions.completeSsmUpdate.mockResolvedValue({ record: pending, ssmConfig: 'ssm-update-failed' });

      const update = await service.complete(pending);

      expect(update).toEqual({
        kind: 'ssm-update-pending',
        record: pending,
        ssmConfig: 'ssm-update-failed',
        cached: false,
      });
    });

    it('reports ssm-update-pending when a newer AMI marked the record again during the update', async () => {
      const { service, transitions } = newService();
      const markedAgain = aReadyAmiRecord({ amiId: NEWER_AMI, ssmPendingAmiId: NEWER_AMI });
      transitions.completeSsmUpdate.mockResolvedValue({ record: markedAgain, ssmConfig: 'updated' });

      const update = await service.complete(pending);

      expect(update).toMatchObject({ kind: 'ssm-update-pending', record: markedAgain, ssmConfig: 'updated' });
    });

    it('reports a state table failure as failed state-table-error with its error, never rejecting', async () => {
      const { service, transitions } = newService();
      const error = new Error('Requested resource not found');
      transitions.completeSsmUpdate.mockRejectedValue(error);

      const update = await service.complete(pending, AbortSignal.timeout(1_000));

      expect(update).toEqual({ kind: 'failed', reason: 'state-table-error', error, cached: false });
    });

    it('reports a failure after the deadline as deadline-exceeded', async () => {
      const { service, transitions } = newService();
      const deadline = new AbortController();
      transitions.completeSsmUpdate.mockImplementation(() => {
        deadline.abort(new Error('deadline'));
        return Promise.reject(new Error('aborted'));
      });

      const update = await service.complete(pending, deadline.signal);

      expect(update).toMatchObject({ kind: 'failed', reason: 'deadline-exceeded', cached: false });
    });

    it('shares one update between the callers that come while it runs, for the same record and AMI', async () => {
      const { service, transitions } = newService();
      const transition = held<{ record: typeof done; ssmConfig: 'updated' }>();
      transitions.completeSsmUpdate.mockReturnValue(transition.promise);

      const first = service.complete(pending, AbortSignal.timeout(1_000));
      const second = service.complete(pending, AbortSignal.timeout(1_000));
      transition.resolve({ record: done, ssmConfig: 'updated' });

      expect(await first).toMatchObject({ kind: 'ssm-update-completed', cached: false });
      expect(await second).toMatchObject({ kind: 'ssm-update-completed', record: done, cached: true });
      expect(transitions.completeSsmUpdate).toHaveBeenCalledTimes(1);
    });

    it('lets a caller that joined stop at its own deadline, and starts afresh once the update settled', async () => {
      const { service, transitions } = newService();
      const transition = held<{ record: typeof done; ssmConfig: 'updated' }>();
      transitions.completeSsmUpdate.mockReturnValueOnce(transition.promise);
      const first = service.complete(pending, AbortSignal.timeout(1_000));

      const joined = await service.complete(pending, AbortSignal.abort(new Error('no time left')));
      transition.resolve({ record: done, ssmConfig: 'updated' });
      await first;
      transitions.completeSsmUpdate.mockResolvedValueOnce({ record: done, ssmConfig: 'already-set' });
      const later = await service.complete(pending, AbortSignal.timeout(1_000));

      expect(joined).toMatchObject({ kind: 'failed', reason: 'deadline-exceeded', cached: true });
      expect(later).toMatchObject({ kind: 'ssm-update-completed', ssmConfig: 'already-set', cached: false });
      expect(transitions.completeSsmUpdate).toHaveBeenCalledTimes(2);
    });

    it('reports a runner config found missing lately as still pending, cached, without a call', async () => {
      const { service, transitions, problems } = newService();
      problems.found('linux-x64', 'ssm-parameter-missing');

      const update = await service.complete(pending, AbortSignal.timeout(1_000));

      expect(update).toEqual({
        kind: 'ssm-update-pending',
        record: pending,
        ssmConfig: 'ssm-parameter-missing',
        cached: true,
      });
      expect(transitions.completeSsmUpdate).not.toHaveBeenCalled();
    });

    it('runs at most RECONCILIATION_CONCURRENCY updates at once', async () => {
      const { service, transitions } = newService(1);
      const transition = held<{ record: typeof done; ssmConfig: 'updated' }>();
      transitions.completeSsmUpdate.mockReturnValueOnce(transition.promise);
      const other = aReadyAmiRecord({ presetName: 'linux-arm64', ssmPendingAmiId: FIXTURE_AMI_ID });

      const first = service.complete(pending);
      const second = service.complete(other);
      await new Promise((resolve) => setImmediate(resolve));
      const callsWhileTheFirstRuns = transitions.completeSsmUpdate.mock.calls.length;
      transitions.completeSsmUpdate.mockResolvedValueOnce({ record: other, ssmConfig: 'updated' });
      transition.resolve({ record: done, ssmConfig: 'updated' });
      await Promise.all([first, second]);

      expect(callsWhileTheFirstRuns).toBe(1);
      expect(transitions.completeSsmUpdate).toHaveBeenCalledTimes(2);
    });
  });
});
