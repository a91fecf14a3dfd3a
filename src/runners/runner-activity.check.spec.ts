import { strictMock } from '../testing/strict-mock';
import { RunnerActivityCheck, runnerActivityResult } from './runner-activity.check';
import { RunnerActivityService } from './runner-activity.service';

const OUTCOMES = { completed: 1, failed: 0, timeout: 0, interrupted: 0 };
const ACTIVITY = {
  runners: { pending: 1, provisioning: 0, running: 2 },
  recentActivity: { lastHour: OUTCOMES, last24Hours: OUTCOMES },
};

describe(RunnerActivityCheck.name, () => {
  describe('check', () => {
    it('answers the counts under the contract’s names and the runners as a note, read within the request’s deadline', async () => {
      // Prepare
      const service = strictMock<RunnerActivityService>('RunnerActivityService');
      service.activity.mockResolvedValue(ACTIVITY);
      const deadline = new AbortController().signal;

      // Act
      const result = await new RunnerActivityCheck(service).check(deadline);

      // Assess
      expect(result).toEqual({
        fields: { runners: ACTIVITY.runners, recentActivity: ACTIVITY.recentActivity },
        note: '2 runners running, 1 runner pending',
      });
      expect(service.activity).toHaveBeenCalledWith(deadline);
    });
  });
});

describe(runnerActivityResult.name, () => {
  it('is never a problem: counts that cannot be read are null, without a note', () => {
    expect(runnerActivityResult(null)).toEqual({ fields: { runners: null, recentActivity: null } });
  });
});
