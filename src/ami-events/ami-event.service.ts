import { Inject, Injectable } from '@nestjs/common';
import { AmiTransitionService } from '../ami-state/ami-transition.service';
import { EventIgnoredReason } from '../ami-state/outcomes';
import { amiJobId, AmiRecord } from '../ami-state/ami-record';
import { AmiRecordStore } from '../ami-state/ami-record-store';
import { PendingSsmUpdates } from '../ami-state/pending-ssm-updates.service';
import { ImageBuilderGateway } from '../aws/image-builder.gateway';
import { AppConfig, appConfig } from '../config/app-config';
import { AppLogger, LogFields } from '../logging/app-logger';
import { MetricsPublisher } from '../metrics/metrics-publisher';
import { AmiEventOutcome, eventMetrics } from './event-metrics';
import { parseImageStateEvent, presetOfPipeline } from './image-state-event';

/** Thrown for what may succeed on a retry, so Lambda and EventBridge retry the event. */
export class RetryableAmiEventError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RetryableAmiEventError';
  }
}

/**
 * The AMI update path: an "EC2 Image Builder Image State Change" event moves the preset's
 * AMI record (and SSM runner config) by the same rules as reconciliation. An event that can
 * never succeed is logged and dropped; AWS errors propagate so the event is retried.
 */
@Injectable()
export class AmiEventService {
  constructor(
    private readonly imageBuilder: ImageBuilderGateway,
    private readonly repository: AmiRecordStore,
    private readonly transitions: AmiTransitionService,
    private readonly pendingSsmUpdates: PendingSsmUpdates,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly logger: AppLogger,
    private readonly metrics: MetricsPublisher,
  ) {}

  /**
   * Handles one event; every AWS call ends when `deadline` aborts (the Lambda's remaining
   * time), and the event then fails as retryable, before Lambda would kill the invocation.
   */
  async handle(raw: unknown, deadline?: AbortSignal): Promise<AmiEventOutcome> {
    let outcome: AmiEventOutcome;
    try {
      outcome = await this.handleWithin(raw, deadline);
    } catch (error) {
      const failure =
        !deadline?.aborted || error instanceof RetryableAmiEventError
          ? error
          : new RetryableAmiEventError('AMI event not handled before the invocation deadline', {
              cause: error,
            });
      this.metrics.publish(eventMetrics({ failure }));
      throw failure;
    }
    this.metrics.publish(eventMetrics({ outcome }));
    return outcome;
  }

  private async handleWithin(raw: unknown, deadline: AbortSignal | undefined): Promise<AmiEventOutcome> {
    const parsed = parseImageStateEvent(raw);
    if (parsed.kind === 'rejected')
      return this.ignored('warn', 'Event not understood; dropped', parsed.reason);
    const { imageArn, status } = parsed.event;

    const image = await this.imageBuilder.getImage(imageArn, deadline);
    if (image === undefined) {
      return this.ignored('warn', 'Image of the event does not exist; dropped', 'image-not-found');
    }
    const preset = presetOfPipeline(image.sourcePipelineName, this.config.pipelineNamePrefix);
    if (preset === undefined) {
      return this.ignored('info', 'Image is not from a preset pipeline; ignored', 'foreign-pipeline', {
        pipeline: image.sourcePipelineName,
      });
    }
    const found = await this.repository.findAmiRecord(amiJobId(preset), deadline);
    if (found === undefined) {
      return this.ignored('info', 'Preset has no AMI record; ignored', 'no-ami-record', { preset });
    }
    if (found.kind === 'invalid') {
      return this.ignored('warn', 'AMI record not understood; left alone', found.invalid.reason, { preset });
    }

    const record = await this.withPendingSsmUpdateDone(found.record, deadline);
    const result = await this.transitions.applyImage(record, image, imageArn, 'newer-image', deadline);
    switch (result.kind) {
      case 'applied':
        if (result.ssmConfig === 'ssm-update-failed' || result.ssmConfig === 'deadline-exceeded') {
          // The record keeps the update pending; the retry completes it before anything else.
          throw new RetryableAmiEventError(`SSM runner config of ${preset} not updated yet`);
        }
        return { kind: 'applied', preset, to: result.to };
      case 'still-building':
        return this.ignored('info', 'Image not settled yet; nothing to record', 'still-building', {
          preset,
          eventStatus: status,
        });
      case 'no-newer-image':
      case 'superseded':
        // Logged by the transition; a retry changes nothing.
        return { kind: 'ignored', reason: result.kind, preset };
      case 'unresolved':
        return { kind: 'ignored', reason: result.reason, preset };
    }
  }

  /** Finishes what an earlier transition left pending, so the config never stays behind. */
  private async withPendingSsmUpdateDone(record: AmiRecord, deadline: AbortSignal | undefined) {
    if (record.ssmPendingAmiId === undefined) return record;
    const update = await this.pendingSsmUpdates.complete(record, deadline);
    if (update.kind === 'failed') {
      // Another invocation's failure (its deadline, its error) is retried, never passed off as this one's.
      throw update.cached
        ? new RetryableAmiEventError(
            `Pending SSM runner config update of ${record.presetName} not finished`,
            {
              cause: update.error,
            },
          )
        : update.error;
    }
    if (update.ssmConfig === 'ssm-update-failed' || update.ssmConfig === 'deadline-exceeded') {
      throw new RetryableAmiEventError(
        `Pending SSM runner config update of ${record.presetName} failed again`,
      );
    }
    return update.record;
  }

  private ignored(
    level: 'info' | 'warn',
    message: string,
    reason: EventIgnoredReason,
    fields: LogFields = {},
  ): AmiEventOutcome {
    this.logger[level](message, { ...fields, outcome: 'ignored', reason });
    return {
      kind: 'ignored',
      reason,
      ...(typeof fields.preset === 'string' && { preset: fields.preset }),
    };
  }
}
