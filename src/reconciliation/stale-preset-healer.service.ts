import type { Image } from '@aws-sdk/client-imagebuilder';
import { Inject, Injectable } from '@nestjs/common';
import { AmiRecord } from '../ami-state/ami-record';
import { AmiTransitionService, TransitionResult } from '../ami-state/ami-transition.service';
import { UnresolvedReason } from '../ami-state/outcomes';
import { ReconciliationLimit } from '../ami-state/reconciliation-limit';
import { ImageBuilderGateway, PIPELINE_NAMES_PER_LOOKUP } from '../aws/image-builder.gateway';
import { chunks } from '../common/chunks';
import { Clock } from '../common/clock';
import { settleBy } from '../common/deadline';
import { AppConfig, appConfig } from '../config/app-config';
import { AppLogger, describeError } from '../logging/app-logger';
import { newestImage } from './newest-image';
import { PresetReconciliation, ReportedReconciliation } from './preset-reconciliation';
import { ReconciliationCache } from './reconciliation-cache';

/**
 * Heals AMI records stuck in `building`: asks Image Builder what became of each preset's
 * pipeline's newest image (10 pipeline names a lookup) and applies it to the record (and,
 * for a ready image, to the preset's SSM config). What it finds is cached per container.
 * Singleton: its cache lives as long as the container.
 */
@Injectable()
export class StalePresetHealer {
  private readonly cache: ReconciliationCache;

  constructor(
    private readonly imageBuilder: ImageBuilderGateway,
    private readonly transitions: AmiTransitionService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly logger: AppLogger,
    clock: Clock,
    private readonly limit: ReconciliationLimit,
  ) {
    this.cache = new ReconciliationCache(clock, config.reconciliationRecheckMs);
  }

  /** What the cache knows of `stale` that still holds; the rest is looked up, within `deadline`. */
  async heal(stale: readonly AmiRecord[], deadline: AbortSignal): Promise<ReportedReconciliation[]> {
    if (stale.length === 0) return [];
    const known = new Map(stale.map((record) => [record.presetName, this.cache.lookup(record)]));
    const started = this.start(
      stale.filter((record) => known.get(record.presetName) === undefined),
      deadline,
    );
    return Promise.all(
      stale.map(async (record): Promise<ReportedReconciliation> => {
        const cached = known.get(record.presetName);
        if (cached !== undefined && 'settled' in cached) return { ...cached.settled, cached: true };
        const result = cached?.inFlight ?? started.get(record.presetName)!;
        const reconciliation = await settleBy(result, deadline, () => deadlineExceeded(record));
        return { ...reconciliation, cached: cached !== undefined };
      }),
    );
  }

  /** Starts healing `records`; the cache shares each with concurrent requests. */
  private start(records: AmiRecord[], deadline: AbortSignal): Map<string, Promise<PresetReconciliation>> {
    const started = new Map<string, Promise<PresetReconciliation>>();
    if (deadline.aborted) {
      // No time left: no Image Builder call, and nothing for the cache to keep.
      for (const record of records) {
        const unresolved = this.unresolvedBy(record, 'deadline-exceeded', deadline.reason, deadline);
        started.set(record.presetName, Promise.resolve(unresolved));
      }
      return started;
    }
    for (const batch of chunks(records, PIPELINE_NAMES_PER_LOOKUP)) {
      const pipelineArns = this.limit.run(() =>
        this.imageBuilder.findPipelineArns(
          batch.map((record) => this.pipelineName(record)),
          deadline,
        ),
      );
      for (const record of batch) {
        const result = pipelineArns
          .then((arns) =>
            this.limit.run(() => this.healPreset(record, arns.get(this.pipelineName(record)), deadline)),
          )
          .catch((error: unknown) => this.unresolvedBy(record, 'image-builder-error', error, deadline));
        this.cache.track(record, result, deadline);
        started.set(record.presetName, result);
      }
    }
    return started;
  }

  private pipelineName(record: AmiRecord): string {
    return `${this.config.pipelineNamePrefix}${record.presetName}`;
  }

  private async healPreset(
    record: AmiRecord,
    pipelineArn: string | undefined,
    deadline: AbortSignal,
  ): Promise<PresetReconciliation> {
    const preset = record.presetName;
    if (pipelineArn === undefined) {
      this.logger.warn('No Image Builder pipeline for stale preset; left as it is', {
        preset,
        pipeline: this.pipelineName(record),
        outcome: 'pipeline-not-found',
      });
      return { presetName: preset, kind: 'unresolved', reason: 'pipeline-not-found' };
    }

    let newest: NewestImage;
    try {
      newest = await this.findNewestImage(pipelineArn, deadline);
    } catch (error) {
      return this.unresolvedBy(record, 'image-builder-error', error, deadline);
    }
    if (newest === 'vanished') {
      // Deleted between the list and the read: Image Builder is moving; the next request looks again.
      this.logger.warn(
        'Newest image of the stale preset vanished while it was read; checked again next request',
        { preset, outcome: 'image-builder-error' },
      );
      return { presetName: preset, kind: 'unresolved', reason: 'image-builder-error' };
    }
    if (newest === undefined) {
      this.logger.warn('Pipeline of stale preset has no images; left as it is', {
        preset,
        outcome: 'no-images',
      });
      return { presetName: preset, kind: 'unresolved', reason: 'no-images' };
    }

    if (deadline.aborted) return this.unresolvedBy(record, 'deadline-exceeded', deadline.reason, deadline);
    let transition: TransitionResult;
    try {
      transition = await this.transitions.applyImage(
        record,
        newest.image,
        newest.arn,
        'unchanged-since-read',
        deadline,
      );
    } catch (error) {
      return this.unresolvedBy(record, 'state-table-error', error, deadline);
    }
    return this.asReconciliation(record, transition);
  }

  private asReconciliation(record: AmiRecord, transition: TransitionResult): PresetReconciliation {
    const presetName = record.presetName;
    switch (transition.kind) {
      case 'applied':
        return {
          presetName,
          kind: 'corrected',
          from: 'building',
          to: transition.to,
          record: transition.record,
          ...(transition.ssmConfig && { ssmConfig: transition.ssmConfig }),
        };
      case 'still-building':
        this.logger.info('Newest image is still being built', {
          preset: presetName,
          outcome: 'still-building',
          imageStatus: transition.imageStatus,
        });
        return { presetName, kind: 'still-building' };
      case 'unresolved':
        return { presetName, kind: 'unresolved', reason: transition.reason };
      case 'no-newer-image':
        // The record says a build runs, but Image Builder shows nothing newer than what it reflects.
        this.logger.warn('Stale preset: no image newer than the one its record reflects', {
          preset: presetName,
          outcome: 'no-newer-image',
        });
        return { presetName, kind: 'unresolved', reason: 'no-newer-image' };
      case 'superseded':
        return { presetName, kind: 'unresolved', reason: 'superseded', current: transition.current };
    }
  }

  private async findNewestImage(pipelineArn: string, deadline: AbortSignal): Promise<NewestImage> {
    const newest = newestImage(await this.imageBuilder.listPipelineImages(pipelineArn, deadline));
    if (newest === undefined) return undefined;
    const image = await this.imageBuilder.getImage(newest.arn, deadline);
    return image === undefined ? 'vanished' : { arn: newest.arn, image };
  }

  /** An AWS error or the deadline: logged, reported, and not cached so the next request retries. */
  private unresolvedBy(
    record: AmiRecord,
    reason: UnresolvedReason,
    error: unknown,
    deadline: AbortSignal,
  ): PresetReconciliation {
    const outcome: UnresolvedReason = deadline.aborted ? 'deadline-exceeded' : reason;
    this.logger.warn('Stale preset could not be reconciled; reported from the state table', {
      preset: record.presetName,
      outcome,
      error: describeError(error),
    });
    return { presetName: record.presetName, kind: 'unresolved', reason: outcome };
  }
}

/** The pipeline's newest image as it is now; undefined: none; 'vanished': listed, then gone. */
type NewestImage = { arn: string; image: Image } | undefined | 'vanished';

/** What a request reports for a preset whose shared work outlasts its own deadline. */
function deadlineExceeded(record: AmiRecord): PresetReconciliation {
  return { presetName: record.presetName, kind: 'unresolved', reason: 'deadline-exceeded' };
}
