import type { Image } from '@aws-sdk/client-imagebuilder';
import { AppLogger } from '../logging/app-logger';
import { testConfig } from '../testing/test-config';
import { AmiRecord, ParsedAmiRecord } from './ami-record';
import { AmiRecordStore } from './ami-record-store';
import { RunnerConfigError } from './runner-config.error';
import { RunnerConfigStore } from './runner-config-store';
import { anAmiRecord } from '../testing/ami-record.fixture';
import { anImage, imageArn } from '../testing/image.fixture';
import { strictMock } from '../testing/strict-mock';
import { AmiTransitionService } from './ami-transition.service';
import { RunnerConfigProblems } from './runner-config-problems';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const AMI_2 = 'ami-0222222222222222a';
const AMI_3 = 'ami-0333333333333333b';
const IMAGE_ARN = imageArn('linux-x64', 3);

/** linux-x64 ready with AMI 2 from an image of 10:00, unless `fields` say otherwise. */
const record = (fields: Partial<AmiRecord> = {}) =>
  anAmiRecord({ status: 'ready', amiId: AMI_2, imageCreatedAt: '2026-11-23T10:00:00.000Z', ...fields });

const availableImage = (amiId: string, dateCreated: string): Image => anImage({ amiId, dateCreated });

/** The service with its collaborators as visible mocks; the runner configs only name their parameters. */
function newService() {
  const repository = strictMock<AmiRecordStore>('AmiRecordStore');
  const runnerConfigs = strictMock<RunnerConfigStore>('RunnerConfigStore', {
    parameterName: (preset) => `/spot-runner/configs/${preset}`,
  });
  const logger = new AppLogger();
  const clock = { now: () => NOW };
  const problems = new RunnerConfigProblems(testConfig(), clock);
  const service = new AmiTransitionService(repository, runnerConfigs, testConfig(), logger, clock, problems);
  return { service, repository, runnerConfigs, logger, problems };
}

describe(AmiTransitionService.name, () => {
  describe('applyImage', () => {
    it('sets a newer AVAILABLE image ready with a pending mark, then the SSM config, then clears the mark', async () => {
      // Prepare
      const { service, repository, runnerConfigs } = newService();
      let written: AmiRecord | undefined;
      repository.markReady.mockImplementation((_record, _image, _updatedAt, _guard, pendingToken) => {
        written = record({ amiId: AMI_3, ssmPendingAmiId: AMI_3, ssmPendingToken: pendingToken });
        return Promise.resolve({ kind: 'applied', record: written });
      });
      runnerConfigs.setAmi.mockResolvedValue('updated');
      repository.findAmiRecord.mockImplementation(() =>
        Promise.resolve(written === undefined ? undefined : { kind: 'valid', record: written }),
      );
      const cleared = record({ amiId: AMI_3, updatedAt: '2026-11-23T12:00:00.000Z' });
      repository.clearSsmPendingIfCurrent.mockResolvedValue({ kind: 'applied', record: cleared });

      // Act
      const result = await service.applyImage(
        record(),
        availableImage(AMI_3, '2026-11-23T11:30:00.000Z'),
        IMAGE_ARN,
        'newer-image',
      );

      // Assess
      expect(repository.markReady).toHaveBeenCalledWith(
        record(),
        { kind: 'ready', amiId: AMI_3, buildId: IMAGE_ARN, imageCreatedAt: '2026-11-23T11:30:00.000Z' },
        NOW.toISOString(),
        'newer-image',
        expect.any(String),
        undefined,
      );
      expect(runnerConfigs.setAmi).toHaveBeenCalledWith('linux-x64', AMI_3, undefined);
      expect(repository.clearSsmPendingIfCurrent).toHaveBeenCalledWith(written, AMI_3, undefined);
      // The record as the repository wrote it, never one this service describes itself.
      expect(result).toEqual({ kind: 'applied', to: 'ready', ssmConfig: 'updated', record: cleared });
    });

    it('sets a newer FAILED image failed and reports the record as written, SSM untouched', async () => {
      const { service, repository, runnerConfigs } = newService();
      const failed = record({ status: 'failed', errorMessage: 'Component test failed' });
      repository.markFailed.mockResolvedValue({ kind: 'applied', record: failed });

      const result = await service.applyImage(
        record(),
        anImage(
          { dateCreated: '2026-11-23T11:30:00.000Z', status: 'FAILED' },
          { state: { status: 'FAILED', reason: 'Component test failed' } },
        ),
        IMAGE_ARN,
        'newer-image',
      );

      expect(repository.markFailed).toHaveBeenCalledWith(
        record(),
        {
          kind: 'failed',
          buildId: IMAGE_ARN,
          errorMessage: 'Component test failed',
          imageCreatedAt: '2026-11-23T11:30:00.000Z',
        },
        NOW.toISOString(),
        'newer-image',
        undefined,
      );
      expect(result).toEqual({ kind: 'applied', to: 'failed', record: failed });
      expect(runnerConfigs.setAmi).not.toHaveBeenCalled();
    });

    it.each([
      [
        'still being built',
        anImage({ status: 'BUILDING' }),
        { kind: 'still-building', imageStatus: 'BUILDING' },
      ],
      [
        'AVAILABLE without an AMI in this region',
        anImage({ dateCreated: '2026-11-23T11:30:00.000Z' }, { outputResources: { amis: [] } }),
        { kind: 'unresolved', reason: 'no-ami-for-region', imageStatus: 'AVAILABLE' },
      ],
    ])('writes nothing for an image %s', async (_case, image, expected) => {
      const { service, repository, runnerConfigs } = newService();

      const result = await service.applyImage(record(), image, IMAGE_ARN, 'newer-image');

      expect(result).toEqual(expected);
      expect(repository.markReady).not.toHaveBeenCalled();
      expect(repository.markFailed).not.toHaveBeenCalled();
      expect(runnerConfigs.setAmi).not.toHaveBeenCalled();
    });

    it('writes nothing for an image that is not newer than the one the record reflects', async () => {
      const { service, repository, runnerConfigs } = newService();

      const result = await service.applyImage(
        record(),
        availableImage(AMI_3, '2026-11-23T09:00:00.000Z'),
        IMAGE_ARN,
        'newer-image',
      );

      expect(result).toEqual({ kind: 'no-newer-image' });
      expect(repository.markReady).not.toHaveBeenCalled();
      expect(runnerConfigs.setAmi).not.toHaveBeenCalled();
    });

    it('reports the newer record another writer left when its conditional write is superseded', async () => {
      const { service, repository, runnerConfigs } = newService();
      const newer: ParsedAmiRecord = {
        kind: 'valid',
        record: record({ amiId: AMI_3, updatedAt: '2026-11-23T11:45:00.000Z' }),
      };
      repository.markReady.mockResolvedValue({ kind: 'superseded' });
      repository.findAmiRecord.mockResolvedValue(newer);

      const result = await service.applyImage(
        record(),
        availableImage(AMI_3, '2026-11-23T11:30:00.000Z'),
        IMAGE_ARN,
        'unchanged-since-read',
      );

      expect(result).toEqual({ kind: 'superseded', current: newer });
      expect(runnerConfigs.setAmi).not.toHaveBeenCalled();
    });
    it('reports the newer record another writer left when the conditional write of a failed build is superseded, SSM untouched', async () => {
      const { service, repository, runnerConfigs } = newService();
      const rebuilding: ParsedAmiRecord = {
        kind: 'valid',
        record: anAmiRecord({ updatedAt: '2026-11-23T11:45:00.000Z' }),
      };
      repository.markFailed.mockResolvedValue({ kind: 'superseded' });
      repository.findAmiRecord.mockResolvedValue(rebuilding);

      const result = await service.applyImage(
        anAmiRecord(),
        anImage({ dateCreated: '2026-11-23T11:30:00.000Z', status: 'FAILED' }),
        IMAGE_ARN,
        'unchanged-since-read',
      );

      expect(result).toEqual({ kind: 'superseded', current: rebuilding });
      expect(runnerConfigs.setAmi).not.toHaveBeenCalled();
    });
  });

  describe('completeSsmUpdate', () => {
    const pending = record({ ssmPendingAmiId: AMI_2, ssmPendingToken: 'token-1' });

    it('clears a mark written before tokens by its AMI, and reports the record as the clear wrote it', async () => {
      const { service, repository, runnerConfigs } = newService();
      const untokened = record({ ssmPendingAmiId: AMI_2 });
      runnerConfigs.setAmi.mockResolvedValue('updated');
      repository.findAmiRecord.mockResolvedValue({ kind: 'valid', record: untokened });
      repository.clearSsmPendingIfCurrent.mockResolvedValue({ kind: 'applied', record: record() });

      const result = await service.completeSsmUpdate(untokened);

      expect(repository.clearSsmPendingIfCurrent).toHaveBeenCalledWith(untokened, AMI_2, undefined);
      expect(result).toEqual({ record: record(), ssmConfig: 'updated' });
    });

    it('tries a runner config found missing again only once SSM_VERIFY_SECONDS have passed: no retry loop', async () => {
      const { service, runnerConfigs, problems } = newService();
      runnerConfigs.setAmi.mockRejectedValue(new RunnerConfigError('ssm-config-invalid'));

      const first = await service.completeSsmUpdate(pending);
      const second = await service.completeSsmUpdate(pending);

      expect([first.ssmConfig, second.ssmConfig]).toEqual(['ssm-config-invalid', 'ssm-config-invalid']);
      expect(second.record).toBe(pending);
      expect(runnerConfigs.setAmi).toHaveBeenCalledTimes(1);
      expect(problems.current('linux-x64')).toBe('ssm-config-invalid');
    });

    it('keeps retrying a runner config SSM failed to write for a passing reason (throttled, 5xx)', async () => {
      const { service, runnerConfigs, problems } = newService();
      runnerConfigs.setAmi.mockRejectedValue(new RunnerConfigError('ssm-update-failed'));

      await service.completeSsmUpdate(pending);
      await service.completeSsmUpdate(pending);

      expect(runnerConfigs.setAmi).toHaveBeenCalledTimes(2);
      expect(problems.current('linux-x64')).toBeUndefined();
    });

    it('keeps the mark and says why when SSM cannot take the AMI, in one log line', async () => {
      // Prepare
      const { service, repository, runnerConfigs, logger } = newService();
      const cause = new Error('ParameterNotFound');
      runnerConfigs.setAmi.mockRejectedValue(new RunnerConfigError('ssm-parameter-missing', cause));
      const errors = jest.spyOn(logger, 'error').mockImplementation();

      // Act
      const result = await service.completeSsmUpdate(pending);

      // Assess
      expect(result).toEqual({ record: pending, ssmConfig: 'ssm-parameter-missing' });
      expect(repository.clearSsmPendingIfCurrent).not.toHaveBeenCalled();
      expect(errors).toHaveBeenCalledTimes(1);
      expect(errors).toHaveBeenCalledWith(
        'SSM runner config parameter does not exist; nothing written; the record keeps it pending',
        expect.objectContaining({ preset: 'linux-x64', outcome: 'ssm-parameter-missing' }),
      );
    });

    it('reports the deadline, not the error, when the request gave up on SSM', async () => {
      const { service, runnerConfigs } = newService();
      const deadline = new AbortController();
      runnerConfigs.setAmi.mockImplementation(() => {
        deadline.abort();
        return Promise.reject(new RunnerConfigError('ssm-update-failed', new Error('AbortError')));
      });

      const result = await service.completeSsmUpdate(pending, deadline.signal);

      expect(result).toEqual({ record: pending, ssmConfig: 'deadline-exceeded' });
    });

    it('marks the record again for the AMI that replaced ours while our SSM write was on its way', async () => {
      const { service, repository, runnerConfigs } = newService();
      runnerConfigs.setAmi.mockResolvedValue('updated');
      repository.findAmiRecord.mockResolvedValue({ kind: 'valid', record: record({ amiId: AMI_3 }) });
      const remarked = record({ amiId: AMI_3, ssmPendingAmiId: AMI_3, ssmPendingToken: 'token-3' });
      repository.markSsmPendingIfAmi.mockResolvedValue({ kind: 'applied', record: remarked });

      const result = await service.completeSsmUpdate(pending);

      expect(repository.markSsmPendingIfAmi).toHaveBeenCalledWith(
        record({ amiId: AMI_3 }),
        AMI_3,
        expect.any(String),
        undefined,
      );
      expect(repository.clearSsmPendingIfCurrent).not.toHaveBeenCalled();
      expect(result).toEqual({ record: remarked, ssmConfig: 'updated' });
    });

    it('reports the record as it is when that new mark is itself superseded, never a mark it did not write', async () => {
      // Prepare: AMI 3 replaced ours; by the time we mark it, AMI 4 replaced AMI 3.
      const { service, repository, runnerConfigs } = newService();
      const ami4 = 'ami-0444444444444444c';
      const latest = record({ amiId: ami4, ssmPendingAmiId: ami4, ssmPendingToken: 'token-4' });
      runnerConfigs.setAmi.mockResolvedValue('updated');
      repository.findAmiRecord
        .mockResolvedValueOnce({ kind: 'valid', record: record({ amiId: AMI_3 }) })
        .mockResolvedValueOnce({ kind: 'valid', record: latest });
      repository.markSsmPendingIfAmi.mockResolvedValue({ kind: 'superseded' });

      // Act
      const result = await service.completeSsmUpdate(pending);

      // Assess
      expect(result).toEqual({ record: latest, ssmConfig: 'updated' });
    });

    it('reports the newer mark another writer set when its own clear is superseded', async () => {
      const { service, repository, runnerConfigs } = newService();
      const remarked = record({ ssmPendingAmiId: AMI_2, ssmPendingToken: 'token-2' });
      runnerConfigs.setAmi.mockResolvedValue('already-set');
      repository.findAmiRecord
        .mockResolvedValueOnce({ kind: 'valid', record: pending })
        .mockResolvedValueOnce({ kind: 'valid', record: remarked });
      repository.clearSsmPendingIfCurrent.mockResolvedValue({ kind: 'superseded' });

      const result = await service.completeSsmUpdate(pending);

      expect(result).toEqual({ record: remarked, ssmConfig: 'already-set' });
    });
  });

  describe('repairRunnerConfig', () => {
    it('marks the record pending for its own AMI, then sets the config and clears the mark', async () => {
      const { service, repository, runnerConfigs } = newService();
      const marked = record({ ssmPendingAmiId: AMI_2, ssmPendingToken: 'token-5' });
      repository.markSsmPendingIfAmi.mockResolvedValue({ kind: 'applied', record: marked });
      runnerConfigs.setAmi.mockResolvedValue('updated');
      repository.findAmiRecord.mockResolvedValue({ kind: 'valid', record: marked });
      repository.clearSsmPendingIfCurrent.mockResolvedValue({ kind: 'applied', record: record() });

      const result = await service.repairRunnerConfig(record());

      expect(repository.markSsmPendingIfAmi).toHaveBeenCalledWith(
        record(),
        AMI_2,
        expect.any(String),
        undefined,
      );
      expect(runnerConfigs.setAmi).toHaveBeenCalledWith('linux-x64', AMI_2, undefined);
      expect(repository.clearSsmPendingIfCurrent).toHaveBeenCalledWith(marked, AMI_2, undefined);
      expect(result).toEqual({ record: record(), ssmConfig: 'updated' });
    });

    it('leaves the config alone when the record’s AMI changed since it was read', async () => {
      const { service, repository, runnerConfigs } = newService();
      repository.markSsmPendingIfAmi.mockResolvedValue({ kind: 'superseded' });

      const result = await service.repairRunnerConfig(record());

      expect(result).toBeUndefined();
      expect(runnerConfigs.setAmi).not.toHaveBeenCalled();
    });
  });
});
