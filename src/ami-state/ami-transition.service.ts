import type { Image } from '@aws-sdk/client-imagebuilder';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AmiRecord, ParsedAmiRecord } from './ami-record';
import { AmiRecordStore } from './ami-record-store';
import { AppConfig, appConfig } from '../config/app-config';
import { AppLogger, describeError } from '../logging/app-logger';
import { Clock } from '../common/clock';
import { decideImageOutcome, isNewerImage } from './image-outcome';
import { ImageUnresolvedReason, SsmConfigOutcome } from './outcomes';
import { RunnerConfigError, RunnerConfigFailure } from './runner-config.error';
import { isRunnerConfigProblem, RunnerConfigProblems } from './runner-config-problems';
import { RunnerConfigStore } from './runner-config-store';
import { TransitionGuard } from './transition-guard';

/** What each reason a runner config did not get its AMI means, for its one log line. */
const SSM_FAILURE_MESSAGES: Record<RunnerConfigFailure | 'deadline-exceeded', string> = {
  'ssm-parameter-missing': 'SSM runner config parameter does not exist; nothing written',
  'ssm-config-invalid': 'SSM runner config is not a JSON object; left unchanged',
  'ssm-update-rejected': 'SSM refused the runner config update; left unchanged until an operator acts',
  'ssm-update-failed': 'SSM runner config could not be updated',
  'deadline-exceeded': 'SSM runner config not updated before the deadline',
};

/** What applying an image to a preset's AMI record did. */
export type TransitionResult =
  | { kind: 'applied'; record: AmiRecord; to: 'ready' | 'failed'; ssmConfig?: SsmConfigOutcome }
  | { kind: 'still-building'; imageStatus: string }
  | { kind: 'unresolved'; reason: ImageUnresolvedReason; imageStatus: string }
  /** The image is not newer than the one the record reflects: a duplicate or a late event. */
  | { kind: 'no-newer-image' }
  /** Another writer changed the record since it was read; `current` is its newer state. */
  | { kind: 'superseded'; current?: ParsedAmiRecord };

/**
 * The one set of rules for moving a preset's AMI record when an image settles, shared by
 * reconciliation and the AMI update events: the ordering rule, the conditional write, then
 * the SSM runner config, with a pending mark on the record until the config holds the AMI.
 * AWS errors propagate; callers decide whether they retry.
 */
@Injectable()
export class AmiTransitionService {
  constructor(
    private readonly repository: AmiRecordStore,
    private readonly runnerConfigs: RunnerConfigStore,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly logger: AppLogger,
    private readonly clock: Clock,
    private readonly problems: RunnerConfigProblems,
  ) {}

  /** Applies what `image` says to `record` under `guard`, then, for a ready image, its SSM config. */
  async applyImage(
    record: AmiRecord,
    image: Image,
    imageArn: string,
    guard: TransitionGuard,
    abortSignal?: AbortSignal,
  ): Promise<TransitionResult> {
    const preset = record.presetName;
    const outcome = decideImageOutcome(image, imageArn, this.config.awsRegion);
    if (outcome.kind === 'still-building') return outcome;
    if (outcome.kind === 'unresolved') {
      // No AMI for this region means the pipeline's distribution is wrong: an operator must act.
      const level = outcome.reason === 'no-ami-for-region' ? 'error' : 'warn';
      this.logger[level]('Image cannot settle the preset; nothing written', {
        preset,
        outcome: outcome.reason,
        imageStatus: outcome.imageStatus,
        region: this.config.awsRegion,
      });
      return outcome;
    }
    if (!isNewerImage(record, outcome.imageCreatedAt)) {
      this.logger.info('Image is not newer than the one the record reflects; nothing written', {
        preset,
        outcome: 'no-newer-image',
        imageCreatedAt: outcome.imageCreatedAt,
        recordImageCreatedAt: record.imageCreatedAt,
      });
      return { kind: 'no-newer-image' };
    }

    abortSignal?.throwIfAborted();
    const now = this.clock.now();
    // Each mark names its writer, so that no other writer's clear can remove it.
    const pendingToken = randomUUID();
    const write =
      outcome.kind === 'ready'
        ? await this.repository.markReady(
            record,
            outcome,
            now.toISOString(),
            guard,
            pendingToken,
            abortSignal,
          )
        : await this.repository.markFailed(record, outcome, now.toISOString(), guard, abortSignal);
    if (write.kind === 'superseded') {
      this.logger.info('Another writer changed the record first; its state is kept', {
        preset,
        outcome: 'superseded',
      });
      const current = await this.repository.findAmiRecord(record.jobId, abortSignal).catch(() => undefined);
      return { kind: 'superseded', current };
    }

    if (outcome.kind === 'failed') {
      // A failed build blocks the preset's jobs: worth an operator's look.
      this.logger.warn('Preset set failed: its newest image build failed', { preset, outcome: 'failed' });
      return { kind: 'applied', record: write.record, to: 'failed' };
    }
    this.logger.info('Preset set ready with the new AMI', { preset, outcome: 'ready', amiId: outcome.amiId });
    const { record: synced, ssmConfig } = await this.completeSsmUpdate(write.record, abortSignal);
    return { kind: 'applied', record: synced, to: 'ready', ssmConfig };
  }

  /**
   * The runner config of a ready record was found not holding its AMI (a ghost write, a
   * lost clear, an operator's edit of `ami`): the record is marked pending for its AMI, as a
   * transition marks it, and the update is made. The mark stays until the config holds the
   * AMI, so a failed repair is retried by the next request. Undefined when the record's AMI
   * changed since it was read: its new AMI's own transition owns the config.
   */
  async repairRunnerConfig(
    record: AmiRecord,
    abortSignal?: AbortSignal,
  ): Promise<{ record: AmiRecord; ssmConfig: SsmConfigOutcome } | undefined> {
    const amiId = record.amiId;
    if (amiId === null) return undefined;
    const pendingToken = randomUUID();
    const marked = await this.repository.markSsmPendingIfAmi(record, amiId, pendingToken, abortSignal);
    if (marked.kind === 'superseded') return undefined;
    this.logger.warn("SSM runner config does not hold the preset's AMI; setting it again", {
      preset: record.presetName,
      outcome: 'ssm-drift',
      amiId,
    });
    return this.completeSsmUpdate(marked.record, abortSignal);
  }

  /**
   * Gives the preset's SSM runner config the AMI its record is marked pending for, then
   * clears the mark. Returns the record as it now is (without the mark once done). When
   * another writer's AMI replaced ours in the meantime, the record is marked again for
   * that AMI, so the config never stays behind the record.
   */
  async completeSsmUpdate(
    record: AmiRecord,
    abortSignal?: AbortSignal,
  ): Promise<{ record: AmiRecord; ssmConfig: SsmConfigOutcome }> {
    const amiId = record.ssmPendingAmiId;
    if (amiId === undefined) return { record, ssmConfig: 'already-set' };
    if (abortSignal?.aborted) return this.leftPending(record, 'deadline-exceeded');
    // A config found missing or invalid lately is left alone until it is due again: reported, not retried.
    const known = this.problems.current(record.presetName);
    if (known !== undefined) return { record, ssmConfig: known };
    let result: 'updated' | 'already-set';
    try {
      result = await this.runnerConfigs.setAmi(record.presetName, amiId, abortSignal);
    } catch (error) {
      if (abortSignal?.aborted) return this.leftPending(record, 'deadline-exceeded', error);
      if (!(error instanceof RunnerConfigError)) throw error;
      if (isRunnerConfigProblem(error.outcome)) this.problems.found(record.presetName, error.outcome);
      return this.leftPending(record, error.outcome, error.cause);
    }
    this.problems.cleared(record.presetName);
    if (result === 'updated') {
      this.logger.info('SSM runner config now uses the AMI', {
        preset: record.presetName,
        amiId,
        outcome: 'updated',
      });
    }

    const current = await this.repository.findAmiRecord(record.jobId, abortSignal);
    if (current?.kind === 'valid' && current.record.amiId !== null && current.record.amiId !== amiId) {
      const pendingToken = randomUUID();
      const marked = await this.repository.markSsmPendingIfAmi(
        current.record,
        current.record.amiId,
        pendingToken,
        abortSignal,
      );
      if (marked.kind === 'superseded') {
        // Its AMI changed once more: that writer marks the record for it; reported as it is.
        const latest = await this.repository.findAmiRecord(record.jobId, abortSignal);
        return { record: latest?.kind === 'valid' ? latest.record : current.record, ssmConfig: result };
      }
      this.logger.warn('A newer AMI replaced ours during the SSM update; the config will follow it', {
        preset: record.presetName,
        outcome: 'ssm-pending-again',
      });
      return { record: marked.record, ssmConfig: result };
    }
    const cleared = await this.repository.clearSsmPendingIfCurrent(record, amiId, abortSignal);
    if (cleared.kind === 'superseded') {
      // Another writer marked the record since: its mark stays, and is reported as it is.
      const latest = await this.repository.findAmiRecord(record.jobId, abortSignal);
      return { record: latest?.kind === 'valid' ? latest.record : record, ssmConfig: result };
    }
    return { record: cleared.record, ssmConfig: result };
  }

  /** The one log of a runner config not given its AMI: the mark stays, and says so. */
  private leftPending(
    record: AmiRecord,
    ssmConfig: RunnerConfigFailure | 'deadline-exceeded',
    error?: unknown,
  ) {
    this.logger.error(`${SSM_FAILURE_MESSAGES[ssmConfig]}; the record keeps it pending`, {
      preset: record.presetName,
      parameter: this.runnerConfigs.parameterName(record.presetName),
      outcome: ssmConfig,
      ...(error !== undefined && { error: describeError(error) }),
    });
    return { record, ssmConfig };
  }
}
