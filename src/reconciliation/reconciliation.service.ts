import type { Image } from '@aws-sdk/client-imagebuilder';
import { Inject, Injectable } from '@nestjs/common';
import { AmiTransitionService, TransitionResult } from '../ami-state/ami-transition.service';
import { Clock } from '../common/clock';
import { UnresolvedReason } from '../ami-state/outcomes';
import { chunks } from '../common/chunks';
import { settleBy } from '../common/deadline';
import { SharedInFlight } from '../common/shared-in-flight';
import { AmiRecord, amiJobId, ParsedAmiRecord } from '../ami-state/ami-record';
import { AmiRecordStore } from '../ami-state/ami-record-store';
import { ImageBuilderGateway } from '../aws/image-builder.gateway';
import { AppConfig, appConfig } from '../config/app-config';
import { AppLogger, describeError } from '../logging/app-logger';
import { newestImage } from './newest-image';
import { applyReconciliations, PresetReconciliation, ReportedReconciliation } from './preset-reconciliation';
import { ReconciliationCache } from './reconciliation-cache';
import { ReconciliationLimit } from './reconciliation-limit';
import { RunnerConfigVerifier } from './runner-config-verifier.service';
import { isStale } from './staleness';

/** The AMI records after reconciliation, and what reconciliation did for each stale preset. */
export interface ReconciledState {
  records: ParsedAmiRecord[];
  reconciliations: ReportedReconciliation[];
  /** How many records were found stuck in building (past the threshold) by this request. */
  stalePresets: number;
}

/** ListImagePipelines accepts at most 10 values in one filter. */
const PIPELINE_NAMES_PER_LOOKUP = 10;

/**
 * Finds AMI records stuck in `building`, asks Image Builder what became of their pipeline's
 * newest image and heals the record (and, for a ready image, the preset's SSM config).
 * Singleton: its cache lives as long as the container.
 */
@Injectable()
export class ReconciliationService {
  private readonly cache: ReconciliationCache;
  /** Pending SSM updates in flight, by record and AMI: concurrent requests share one. */
  private readonly ssmUpdatesInFlight = new SharedInFlight<PresetReconciliation>();
  /** Every preset this container has reported: one the index read misses is read by key. */
  private readonly seenPresets = new Set<string>();

  constructor(
    private readonly imageBuilder: ImageBuilderGateway,
    private readonly repository: AmiRecordStore,
    private readonly transitions: AmiTransitionService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly logger: AppLogger,
    private readonly clock: Clock,
    private readonly runnerConfigs: RunnerConfigVerifier,
    private readonly limit: ReconciliationLimit,
  ) {
    this.cache = new ReconciliationCache(clock, config.reconciliationRecheckMs);
  }

  /**
   * Reads every AMI record, finishes the SSM updates records are marked pending for,
   * reconciles the stale ones and verifies the ready ones' runner configs, all within
   * the request's `deadline` (its one signal: every AWS call in flight and every waiting
   * preset listens to it). Throws AmiStateUnavailableError when the table cannot be read by then.
   */
  async reconcile(deadline: AbortSignal): Promise<ReconciledState> {
    // A hung table read ends at the deadline too (a 503), never at the Lambda's timeout; a
    // request without any budget still reads the table, and does nothing more.
    const listed = await this.repository.listAmiRecords(deadline.aborted ? undefined : deadline);
    const read = await this.withPresetsTheIndexMissed(listed, deadline);
    // The ready presets' runner configs are verified beside everything else.
    const verified = this.runnerConfigs.verify(read, deadline);
    const completed = await this.completePendingSsmUpdates(read, deadline);
    const records = applyReconciliations(read, completed);
    const now = this.clock.now();
    const stale: AmiRecord[] = [];
    for (const parsed of records) {
      if (parsed.kind === 'invalid') {
        this.logger.warn('AMI record not understood; reported as invalid and left alone', {
          preset: parsed.invalid.name,
          outcome: 'invalid',
          reason: parsed.invalid.reason,
        });
      } else if (isStale(parsed.record, now, this.config.staleBuildingThresholdMs)) {
        stale.push(parsed.record);
      }
    }
    const reconciled = stale.length > 0 ? await this.reconcileStale(stale, deadline) : [];
    const repaired = await verified;
    return {
      records: applyReconciliations(records, [...reconciled, ...repaired]),
      reconciliations: [...completed, ...reconciled, ...repaired],
      stalePresets: stale.length,
    };
  }

  /**
   * The recordType index is eventually consistent (an update is a delete and a put there):
   * a preset this container has reported before that the read misses is read by key
   * (strongly consistent), and forgotten only if it is really gone.
   */
  private async withPresetsTheIndexMissed(
    listed: ParsedAmiRecord[],
    deadline: AbortSignal,
  ): Promise<ParsedAmiRecord[]> {
    const listedNames = new Set(
      listed.flatMap((parsed) => (parsed.kind === 'valid' ? [parsed.record.presetName] : [])),
    );
    const missed = [...this.seenPresets].filter((presetName) => !listedNames.has(presetName));
    const found = await Promise.all(
      missed.map(async (presetName) => {
        try {
          const record = await this.repository.findAmiRecord(amiJobId(presetName), deadline);
          if (record === undefined) this.seenPresets.delete(presetName);
          return record;
        } catch (error) {
          this.logger.warn('AMI record missing from the index read and unreadable by key; left out', {
            preset: presetName,
            outcome: 'state-table-error',
            error: describeError(error),
          });
          return undefined;
        }
      }),
    );
    const records = [...listed, ...found.flatMap((parsed) => (parsed === undefined ? [] : [parsed]))];
    for (const parsed of records) if (parsed.kind === 'valid') this.seenPresets.add(parsed.record.presetName);
    return records;
  }

  /**
   * A record marked with a pending SSM update (a crash, a throttle or the deadline between
   * its DynamoDB write and its SSM write) gets it now; never cached, so it is retried on
   * every request until it succeeds. Concurrent requests share one update in flight.
   */
  private completePendingSsmUpdates(
    records: ParsedAmiRecord[],
    deadline: AbortSignal,
  ): Promise<ReportedReconciliation[]> {
    const pending = records.flatMap((parsed) =>
      parsed.kind === 'valid' && parsed.record.ssmPendingAmiId !== undefined ? [parsed.record] : [],
    );
    return Promise.all(
      pending.map(async (record): Promise<ReportedReconciliation> => {
        const key = [record.presetName, record.updatedAt, record.ssmPendingAmiId].join('\n');
        const inFlight = this.ssmUpdatesInFlight.get(key);
        if (inFlight !== undefined) {
          const shared = await settleBy(inFlight, deadline, () => deadlineExceeded(record));
          return { ...shared, cached: true };
        }
        const started = this.ssmUpdatesInFlight.start(key, () =>
          this.limit.run(() => this.completePendingSsmUpdate(record, deadline)),
        );
        return { ...(await started), cached: false };
      }),
    );
  }

  private async completePendingSsmUpdate(
    record: AmiRecord,
    deadline: AbortSignal,
  ): Promise<PresetReconciliation> {
    const presetName = record.presetName;
    try {
      const { record: after, ssmConfig } = await this.transitions.completeSsmUpdate(record, deadline);
      return after.ssmPendingAmiId === undefined
        ? { presetName, kind: 'ssm-update-completed', record: after, ssmConfig }
        : { presetName, kind: 'unresolved', reason: 'ssm-update-pending', ssmConfig };
    } catch (error) {
      return this.unresolvedBy(record, 'state-table-error', error, deadline);
    }
  }

  /** Stale presets: what the cache knows still holds; the rest is started, 10 pipelines a lookup. */
  private async reconcileStale(stale: AmiRecord[], deadline: AbortSignal): Promise<ReportedReconciliation[]> {
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

  /** Starts reconciling `records`; the cache shares each with concurrent requests. */
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
            this.limit.run(() => this.reconcilePreset(record, arns.get(this.pipelineName(record)), deadline)),
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

  private async reconcilePreset(
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
        {
          preset,
          outcome: 'image-builder-error',
        },
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
