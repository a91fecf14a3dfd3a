import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AmiTransitionService } from '../ami-state/ami-transition.service';
import { Clock } from '../common/clock';
import { settleBy } from '../common/deadline';
import { SharedInFlight } from '../common/shared-in-flight';
import { AmiRecord, ParsedAmiRecord } from '../ami-state/ami-record';
import { RunnerConfigRead, RunnerConfigStore } from '../ami-state/runner-config-store';
import { RunnerConfigProblems } from '../ami-state/runner-config-problems';
import { AppConfig, appConfig } from '../config/app-config';
import { AppLogger, describeError } from '../logging/app-logger';
import { PresetReconciliation, ReportedReconciliation } from './preset-reconciliation';
import { ReconciliationLimit } from '../ami-state/reconciliation-limit';
import { claimsRunnerConfigAmi, isRunnerConfigCheckDue, RunnerConfigVerified } from './runner-config-drift';

/**
 * The record is the truth and the runner config is derived from it: every ready preset's
 * SSM `ami` is read (GetParameters, 10 a call) at most once per SSM_VERIFY_SECONDS per
 * container, and set again when it differs, whatever made it drift (an SSM write applied
 * after its writer gave up, a lost clear of the pending mark, an operator's edit). The
 * pending mark is the fast path; this is the path that catches everything else. A config
 * that is missing or no JSON object is reported and left alone (RunnerConfigProblems).
 * Singleton: what it verified lives as long as the container. Off
 * (`SSM_VERIFY_ENABLED=false`), it reads nothing and says so once, at start-up.
 */
@Injectable()
export class RunnerConfigVerifier implements OnApplicationBootstrap {
  private readonly verified = new Map<string, RunnerConfigVerified>();
  /** Checks and repairs in flight, by preset: concurrent requests share one. */
  private readonly inFlight = new SharedInFlight<PresetReconciliation | undefined>();

  constructor(
    private readonly runnerConfigs: RunnerConfigStore,
    private readonly transitions: AmiTransitionService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly logger: AppLogger,
    private readonly clock: Clock,
    private readonly limit: ReconciliationLimit,
    private readonly problems: RunnerConfigProblems,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.ssmVerifyEnabled) return;
    this.logger.info('The runner config check is off (SSM_VERIFY_ENABLED=false): no runner config is read', {
      outcome: 'ssm-verify-off',
    });
  }

  /** What verifying the ready presets of `records` repaired (or could not), within `deadline`. */
  async verify(
    records: readonly ParsedAmiRecord[],
    deadline: AbortSignal,
  ): Promise<ReportedReconciliation[]> {
    if (!this.config.ssmVerifyEnabled) return [];
    const nowMs = this.clock.now().getTime();
    const ready = records.flatMap((parsed) =>
      parsed.kind === 'valid' && claimsRunnerConfigAmi(parsed.record) ? [parsed.record] : [],
    );
    const joined = new Map(
      ready.flatMap((record) => {
        const shared = this.inFlight.get(record.presetName);
        return shared === undefined ? [] : [[record.presetName, shared] as const];
      }),
    );
    const due = ready.filter(
      (record) =>
        !joined.has(record.presetName) &&
        this.problems.current(record.presetName) === undefined &&
        isRunnerConfigCheckDue(
          record.amiId,
          this.verified.get(record.presetName),
          nowMs,
          this.config.ssmVerifyMs,
        ),
    );
    const started = this.start(due, deadline);
    const reported = await Promise.all(
      ready.map(async (record): Promise<ReportedReconciliation | undefined> => {
        const own = started.get(record.presetName);
        if (own !== undefined) {
          const reconciliation = await own;
          return reconciliation && { ...reconciliation, cached: false };
        }
        const shared = joined.get(record.presetName);
        if (shared === undefined) return undefined;
        const reconciliation = await settleBy(shared, deadline, () => undefined);
        return reconciliation && { ...reconciliation, cached: true };
      }),
    );
    return reported.flatMap((reconciliation) => (reconciliation === undefined ? [] : [reconciliation]));
  }

  private start(
    records: (AmiRecord & { amiId: string })[],
    deadline: AbortSignal,
  ): Map<string, Promise<PresetReconciliation | undefined>> {
    const started = new Map<string, Promise<PresetReconciliation | undefined>>();
    if (records.length === 0) return started;
    const reads = this.runnerConfigs.readRunnerConfigs(
      records.map((record) => record.presetName),
      deadline,
    );
    reads.catch((error: unknown) =>
      // Not remembered as verified: the next request checks again.
      this.logger.warn('SSM runner configs could not be read to verify them; checked again next time', {
        outcome: deadline.aborted ? 'deadline-exceeded' : 'ssm-verify-failed',
        presets: records.length,
        error: describeError(error),
      }),
    );
    for (const record of records) {
      const result = this.inFlight.start(record.presetName, () =>
        reads.then(
          (current) =>
            this.limit.run(() => this.repairIfDrifted(record, current.get(record.presetName), deadline)),
          () => undefined,
        ),
      );
      started.set(record.presetName, result);
    }
    return started;
  }

  private async repairIfDrifted(
    record: AmiRecord,
    read: RunnerConfigRead | undefined,
    deadline: AbortSignal,
  ): Promise<PresetReconciliation | undefined> {
    const presetName = record.presetName;
    if (read?.kind === 'problem') {
      // No write can fix it (this service never creates a config): reported, looked at again later.
      this.problems.found(presetName, read.problem);
      this.logger.warn(
        "SSM runner config cannot hold the preset's AMI; nothing written, checked again after SSM_VERIFY_SECONDS",
        {
          preset: presetName,
          parameter: this.runnerConfigs.parameterName(presetName),
          outcome: read.problem,
        },
      );
      return undefined;
    }
    if (read?.amiId === record.amiId) {
      this.problems.cleared(presetName);
      this.remember(record);
      return undefined;
    }
    try {
      const repaired = await this.transitions.repairRunnerConfig(record, deadline);
      // The record's AMI changed since it was read: that AMI's own transition sets the config.
      if (repaired === undefined) return undefined;
      if (repaired.record.ssmPendingAmiId !== undefined) {
        return {
          presetName,
          kind: 'unresolved',
          reason: 'ssm-update-pending',
          ssmConfig: repaired.ssmConfig,
          current: { kind: 'valid', record: repaired.record },
        };
      }
      this.remember(repaired.record);
      this.logger.info("SSM runner config set to the preset's AMI again", {
        preset: presetName,
        outcome: 'ssm-drift-repaired',
        amiId: record.amiId,
      });
      return {
        presetName,
        kind: 'ssm-drift-repaired',
        record: repaired.record,
        ssmConfig: repaired.ssmConfig,
      };
    } catch (error) {
      const reason = deadline.aborted ? 'deadline-exceeded' : 'state-table-error';
      this.logger.warn('SSM runner config drift could not be repaired; checked again next time', {
        preset: presetName,
        outcome: reason,
        error: describeError(error),
      });
      return { presetName, kind: 'unresolved', reason };
    }
  }

  private remember(record: AmiRecord): void {
    if (record.amiId !== null)
      this.verified.set(record.presetName, { amiId: record.amiId, atMs: this.clock.now().getTime() });
  }
}
