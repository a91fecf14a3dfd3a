import type { Image } from '@aws-sdk/client-imagebuilder';
import { imageStateChangeEvent } from '../../local/lambda/image-builder-events';
import { AmiRecordStore } from '../ami-state/ami-record-store';
import { AmiTransitionService } from '../ami-state/ami-transition.service';
import { PendingSsmUpdates } from '../ami-state/pending-ssm-updates.service';
import { ReconciliationLimit } from '../ami-state/reconciliation-limit';
import { ImageBuilderGateway } from '../aws/image-builder.gateway';
import { AppLogger } from '../logging/app-logger';
import { MetricsPublisher } from '../metrics/metrics-publisher';
import { anAmiRecord } from '../testing/ami-record.fixture';
import { anImage, imageArn } from '../testing/image.fixture';
import { strictMock } from '../testing/strict-mock';
import { testConfig } from '../testing/test-config';
import { AmiEventService, RetryableAmiEventError } from './ami-event.service';
import { RunnerConfigProblems } from '../ami-state/runner-config-problems';

const IMAGE_ARN = imageArn('linux-x64', 3);
const AMI_3 = 'ami-0333333333333333b';

const record = anAmiRecord({ updatedAt: '2026-11-23T10:00:00.000Z' });
/** The record as a transition wrote it ready with AMI 3. */
const written = anAmiRecord({ status: 'ready', amiId: AMI_3, updatedAt: '2026-11-23T12:00:00.000Z' });

const image = (pipeline = 'spot-runner-linux-x64'): Image =>
  anImage({ amiId: AMI_3, dateCreated: '2026-11-23T11:00:00.000Z' }, { sourcePipelineName: pipeline });

const event = imageStateChangeEvent(IMAGE_ARN, 'AVAILABLE');

/** The service with its collaborators as visible mocks; only the metrics take any call unasked. */
function newService() {
  const imageBuilder = strictMock<ImageBuilderGateway>('ImageBuilderGateway');
  const repository = strictMock<AmiRecordStore>('AmiRecordStore');
  const transitions = strictMock<AmiTransitionService>('AmiTransitionService');
  const metrics = strictMock<MetricsPublisher>('MetricsPublisher', { publish: () => undefined });
  const config = testConfig();
  // The real pending SSM updates over the mocked transitions: the spec sees each transition call.
  const pendingSsmUpdates = new PendingSsmUpdates(
    transitions,
    new ReconciliationLimit(config),
    new RunnerConfigProblems(config, { now: () => new Date() }),
  );
  const service = new AmiEventService(
    imageBuilder,
    repository,
    transitions,
    pendingSsmUpdates,
    config,
    new AppLogger(),
    metrics,
  );
  return { service, imageBuilder, repository, transitions, metrics };
}

describe(AmiEventService.name, () => {
  describe('handle', () => {
    it('applies the image of a preset pipeline to its record, under the newer-image guard', async () => {
      // Prepare
      const { service, imageBuilder, repository, transitions } = newService();
      imageBuilder.getImage.mockResolvedValue(image());
      repository.findAmiRecord.mockResolvedValue({ kind: 'valid', record });
      transitions.applyImage.mockResolvedValue({
        kind: 'applied',
        record: written,
        to: 'ready',
        ssmConfig: 'updated',
      });

      // Act
      const outcome = await service.handle(event);

      // Assess
      expect(repository.findAmiRecord).toHaveBeenCalledWith('AMI#linux-x64', undefined);
      expect(transitions.applyImage).toHaveBeenCalledWith(
        record,
        image(),
        IMAGE_ARN,
        'newer-image',
        undefined,
      );
      expect(outcome).toEqual({ kind: 'applied', preset: 'linux-x64', to: 'ready' });
    });

    it('counts each event once, by what became of it: applied by the state it set', async () => {
      const { service, imageBuilder, repository, transitions, metrics } = newService();
      imageBuilder.getImage.mockResolvedValue(image());
      repository.findAmiRecord.mockResolvedValue({ kind: 'valid', record });
      transitions.applyImage.mockResolvedValue({
        kind: 'applied',
        record: { ...record, status: 'failed' },
        to: 'failed',
      });

      await service.handle(event);

      expect(metrics.publish).toHaveBeenCalledTimes(1);
      expect(metrics.publish).toHaveBeenCalledWith([
        { name: 'AmiEventsApplied', value: 1, dimension: { name: 'Outcome', value: 'failed' } },
      ]);
    });

    it('counts an ignored event by its reason', async () => {
      const { service, metrics } = newService();

      await service.handle({ source: 'aws.ec2' });

      expect(metrics.publish).toHaveBeenCalledWith([
        { name: 'AmiEventsIgnored', value: 1, dimension: { name: 'Outcome', value: 'wrong-source' } },
      ]);
    });

    it('counts a failed event by the name of the error it throws for a retry', async () => {
      const { service, imageBuilder, metrics } = newService();
      const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      imageBuilder.getImage.mockRejectedValue(throttled);

      await expect(service.handle(event)).rejects.toBe(throttled);

      expect(metrics.publish).toHaveBeenCalledWith([
        { name: 'AmiEventsFailed', value: 1, dimension: { name: 'Outcome', value: 'ThrottlingException' } },
      ]);
    });

    it('counts an event the deadline cut short as RetryableAmiEventError', async () => {
      const { service, imageBuilder, metrics } = newService();
      const deadline = new AbortController();
      imageBuilder.getImage.mockImplementation(() => {
        deadline.abort();
        return Promise.reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      });

      await expect(service.handle(event, deadline.signal)).rejects.toBeInstanceOf(RetryableAmiEventError);

      expect(metrics.publish).toHaveBeenCalledWith([
        expect.objectContaining({ dimension: { name: 'Outcome', value: 'RetryableAmiEventError' } }),
      ]);
    });

    it.each([
      ['a malformed event', { source: 'aws.ec2' }, undefined, 'wrong-source'],
      ['an image that no longer exists', event, null, 'image-not-found'],
      ['an image of a foreign pipeline', event, image('other-pipeline'), 'foreign-pipeline'],
    ])('ignores %s without reading the record', async (_case, raw, described, reason) => {
      const { service, imageBuilder, repository } = newService();
      imageBuilder.getImage.mockResolvedValue(described ?? undefined);

      const outcome = await service.handle(raw);

      expect(outcome).toMatchObject({ kind: 'ignored', reason });
      expect(repository.findAmiRecord).not.toHaveBeenCalled();
    });

    it('ignores a preset without an AMI record and writes nothing', async () => {
      const { service, imageBuilder, repository, transitions } = newService();
      imageBuilder.getImage.mockResolvedValue(image());
      repository.findAmiRecord.mockResolvedValue(undefined);

      const outcome = await service.handle(event);

      expect(outcome).toEqual({ kind: 'ignored', reason: 'no-ami-record', preset: 'linux-x64' });
      expect(transitions.applyImage).not.toHaveBeenCalled();
    });

    it('finishes a pending SSM update before it applies the image', async () => {
      const { service, imageBuilder, repository, transitions } = newService();
      const pending = { ...record, status: 'ready' as const, amiId: AMI_3, ssmPendingAmiId: AMI_3 };
      const done = { ...pending, ssmPendingAmiId: undefined };
      imageBuilder.getImage.mockResolvedValue(image());
      repository.findAmiRecord.mockResolvedValue({ kind: 'valid', record: pending });
      transitions.completeSsmUpdate.mockResolvedValue({ record: done, ssmConfig: 'updated' });
      transitions.applyImage.mockResolvedValue({ kind: 'no-newer-image' });

      const outcome = await service.handle(event);

      expect(transitions.completeSsmUpdate).toHaveBeenCalledWith(pending, undefined);
      expect(transitions.applyImage).toHaveBeenCalledWith(done, image(), IMAGE_ARN, 'newer-image', undefined);
      expect(outcome).toEqual({ kind: 'ignored', reason: 'no-newer-image', preset: 'linux-x64' });
    });

    it("throws for a retry, never another invocation's error, when the pending SSM update it joined failed", async () => {
      const { service, imageBuilder, repository, transitions } = newService();
      const pending = { ...record, status: 'ready' as const, amiId: AMI_3, ssmPendingAmiId: AMI_3 };
      imageBuilder.getImage.mockResolvedValue(image());
      repository.findAmiRecord.mockResolvedValue({ kind: 'valid', record: pending });
      let failFirst!: (error: Error) => void;
      transitions.completeSsmUpdate.mockReturnValueOnce(new Promise((_, reject) => (failFirst = reject)));
      const first = new AbortController();

      // The first invocation's update is in flight when the second one joins it; then its deadline ends it.
      const outcomes = [service.handle(event, first.signal), service.handle(event)];
      await new Promise((resolve) => setImmediate(resolve));
      first.abort();
      failFirst(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));
      const [own, joined] = await Promise.allSettled(outcomes);

      expect(transitions.completeSsmUpdate).toHaveBeenCalledTimes(1);
      expect(own).toMatchObject({ status: 'rejected', reason: expect.any(RetryableAmiEventError) });
      expect(joined).toMatchObject({ status: 'rejected', reason: expect.any(RetryableAmiEventError) });
      expect(transitions.applyImage).not.toHaveBeenCalled();
    });

    it.each(['ssm-update-failed', 'deadline-exceeded'] as const)(
      'throws for a retry when the SSM write failed transiently (%s): the mark stays for it',
      async (ssmConfig) => {
        const { service, imageBuilder, repository, transitions } = newService();
        imageBuilder.getImage.mockResolvedValue(image());
        repository.findAmiRecord.mockResolvedValue({ kind: 'valid', record });
        transitions.applyImage.mockResolvedValue({
          kind: 'applied',
          record: written,
          to: 'ready',
          ssmConfig,
        });

        await expect(service.handle(event)).rejects.toBeInstanceOf(RetryableAmiEventError);
      },
    );

    it('resolves when SSM refuses the write for good: retrying cannot help, /status reports the mark', async () => {
      const { service, imageBuilder, repository, transitions } = newService();
      imageBuilder.getImage.mockResolvedValue(image());
      repository.findAmiRecord.mockResolvedValue({ kind: 'valid', record });
      transitions.applyImage.mockResolvedValue({
        kind: 'applied',
        record: written,
        to: 'ready',
        ssmConfig: 'ssm-update-rejected',
      });

      expect(await service.handle(event)).toEqual({ kind: 'applied', preset: 'linux-x64', to: 'ready' });
    });

    it('turns any failure once the deadline passed into a retryable one', async () => {
      const { service, imageBuilder } = newService();
      const deadline = new AbortController();
      imageBuilder.getImage.mockImplementation(() => {
        deadline.abort();
        return Promise.reject(new Error('aborted'));
      });

      const outcome = service.handle(event, deadline.signal);

      await expect(outcome).rejects.toThrow('AMI event not handled before the invocation deadline');
      await expect(outcome).rejects.toBeInstanceOf(RetryableAmiEventError);
    });
  });
});
