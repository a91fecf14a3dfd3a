import { Inject, Injectable } from '@nestjs/common';
import { ParsedAmiRecord } from '../ami-state/ami-record';
import { PendingSsmUpdate, PendingSsmUpdates } from '../ami-state/pending-ssm-updates.service';
import { RunnerConfigProblem, RunnerConfigProblems } from '../ami-state/runner-config-problems';
import { Clock } from '../common/clock';
import { AppConfig, appConfig } from '../config/app-config';
import { AppLogger, describeError } from '../logging/app-logger';
import { AmiRecordReader } from './ami-record-reader.service';
import { PipelineCheck } from './pipeline-check.service';
import { PresetPipelines } from './pipeline-report';
import { applyReconciliations, ReportedReconciliation } from './preset-reconciliation';
import { RunnerConfigVerifier } from './runner-config-verifier.service';
import { StalePresetHealer } from './stale-preset-healer.service';
import { isStale } from './staleness';

/** The AMI records after reconciliation, and what reconciliation did for each stale preset. */
export interface ReconciledState {
  records: ParsedAmiRecord[];
  reconciliations: ReportedReconciliation[];
  /** How many records were found stuck in building (past the threshold) by this request. */
  stalePresets: number;
  /** The presets whose runner config is missing or no JSON object, as found lately (no write can fix it). */
  runnerConfigProblems: ReadonlyMap<string, RunnerConfigProblem>;
  /** Each valid preset's pipeline, or null when they could not be checked. */
  pipelines: PresetPipelines;
}

/**
 * One request's reconciliation: read the AMI records, finish their pending SSM updates,
 * heal the stale ones, verify the ready ones' runner configs and check every preset's
 * pipeline. Each step is a service of its own; their Image Builder and SSM work shares one
 * ReconciliationLimit.
 */
@Injectable()
export class ReconciliationService {
  constructor(
    private readonly reader: AmiRecordReader,
    private readonly pendingSsmUpdates: PendingSsmUpdates,
    private readonly healer: StalePresetHealer,
    private readonly runnerConfigs: RunnerConfigVerifier,
    private readonly pipelineCheck: PipelineCheck,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly logger: AppLogger,
    private readonly clock: Clock,
    private readonly problems: RunnerConfigProblems,
  ) {}

  /**
   * All within the request's `deadline` (its one signal: every AWS call in flight and every
   * waiting preset listens to it). Throws AmiStateUnavailableError when the table cannot be
   * read by then.
   */
  async reconcile(deadline: AbortSignal): Promise<ReconciledState> {
    const read = await this.reader.read(deadline);
    // The presets' pipelines are checked, and the ready ones' runner configs verified, beside everything else.
    const pipelines = this.pipelineCheck.check(
      read.flatMap((parsed) => (parsed.kind === 'valid' ? [parsed.record.presetName] : [])),
      deadline,
    );
    const verified = this.runnerConfigs.verify(read, deadline);
    const completed = await this.completePendingSsmUpdates(read, deadline);
    const records = applyReconciliations(read, completed);
    const now = this.clock.now();
    const stale = records.flatMap((parsed) =>
      parsed.kind === 'valid' && isStale(parsed.record, now, this.config.staleBuildingThresholdMs)
        ? [parsed.record]
        : [],
    );
    const healed = await this.healer.heal(stale, deadline);
    const repaired = await verified;
    const reconciled = applyReconciliations(records, [...healed, ...repaired]);
    return {
      records: reconciled,
      reconciliations: [...completed, ...healed, ...repaired],
      stalePresets: stale.length,
      runnerConfigProblems: this.runnerConfigProblemsOf(reconciled),
      pipelines: await pipelines,
    };
  }

  /** The presets whose runner config was found missing or invalid lately: no write can fix them. */
  private runnerConfigProblemsOf(records: readonly ParsedAmiRecord[]): Map<string, RunnerConfigProblem> {
    const problems = new Map<string, RunnerConfigProblem>();
    for (const parsed of records) {
      if (parsed.kind !== 'valid') continue;
      const problem = this.problems.current(parsed.record.presetName);
      if (problem !== undefined) problems.set(parsed.record.presetName, problem);
    }
    return problems;
  }

  /** Never cached: a record keeps its mark, and is retried on every request, until it succeeds. */
  private completePendingSsmUpdates(
    records: readonly ParsedAmiRecord[],
    deadline: AbortSignal,
  ): Promise<ReportedReconciliation[]> {
    const pending = records.flatMap((parsed) =>
      parsed.kind === 'valid' && parsed.record.ssmPendingAmiId !== undefined ? [parsed.record] : [],
    );
    return Promise.all(
      pending.map(async (record) =>
        this.reported(record.presetName, await this.pendingSsmUpdates.complete(record, deadline)),
      ),
    );
  }

  /** A pending SSM update as a reconciliation; a failure is logged by the request that made the call. */
  private reported(presetName: string, update: PendingSsmUpdate): ReportedReconciliation {
    const { cached } = update;
    switch (update.kind) {
      case 'ssm-update-completed':
        return { presetName, kind: update.kind, record: update.record, ssmConfig: update.ssmConfig, cached };
      case 'ssm-update-pending':
        return { presetName, kind: 'unresolved', reason: update.kind, ssmConfig: update.ssmConfig, cached };
      case 'failed':
        if (!cached) {
          this.logger.warn('Pending SSM update could not be completed; retried next request', {
            preset: presetName,
            outcome: update.reason,
            error: describeError(update.error),
          });
        }
        return { presetName, kind: 'unresolved', reason: update.reason, cached };
    }
  }
}
