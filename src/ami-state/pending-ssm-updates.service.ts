import { Injectable } from '@nestjs/common';
import { settleBy } from '../common/deadline';
import { SharedInFlight } from '../common/shared-in-flight';
import { AmiRecord } from './ami-record';
import { AmiTransitionService } from './ami-transition.service';
import { SsmConfigOutcome } from './outcomes';
import { ReconciliationLimit } from './reconciliation-limit';
import { RunnerConfigProblems } from './runner-config-problems';

/** What finishing a record's pending SSM update came to, as one caller saw it. */
export type PendingSsmUpdate = (
  | /** The runner config holds the AMI and the record carries no mark any more. */
    { kind: 'ssm-update-completed'; record: AmiRecord; ssmConfig: SsmConfigOutcome }
    /** The record still carries a mark: the SSM write failed (`ssmConfig` says why), or a newer AMI marked it again. */
  | { kind: 'ssm-update-pending'; record: AmiRecord; ssmConfig: SsmConfigOutcome }
  /** The state table failed (`error`), or the deadline came first: the record is as it was read. */
  | { kind: 'failed'; reason: 'state-table-error' | 'deadline-exceeded'; error: unknown }
) & {
  /**
   * This caller made no call: it joined another caller's update (who reports a failure), or
   * the runner config was found missing or invalid lately and is not due again.
   */
  cached: boolean;
};

/**
 * The SSM update a record is marked pending for (a crash, a throttle or a deadline between a
 * transition's DynamoDB write and its SSM write), finished for both paths: GET /status before
 * it reconciles, the AMI update path before it applies its event. Concurrent callers for the
 * same mark share one update, within RECONCILIATION_CONCURRENCY; a runner config found
 * missing or invalid lately is reported without a call (RunnerConfigProblems). Singleton: what is in
 * flight lives as long as the container.
 */
@Injectable()
export class PendingSsmUpdates {
  private readonly inFlight = new SharedInFlight<PendingSsmUpdate>();

  constructor(
    private readonly transitions: AmiTransitionService,
    private readonly limit: ReconciliationLimit,
    private readonly problems: RunnerConfigProblems,
  ) {}

  /** Finishes `record`'s pending SSM update, or joins the one in flight, within `deadline`. Never rejects. */
  async complete(record: AmiRecord, deadline?: AbortSignal): Promise<PendingSsmUpdate> {
    const known = this.problems.current(record.presetName);
    if (known !== undefined) return { kind: 'ssm-update-pending', record, ssmConfig: known, cached: true };
    const key = [record.presetName, record.updatedAt, record.ssmPendingAmiId].join('\n');
    const inFlight = this.inFlight.get(key);
    if (inFlight !== undefined) {
      const joined =
        deadline === undefined ? inFlight : settleBy(inFlight, deadline, () => deadlineFirst(deadline));
      return { ...(await joined), cached: true };
    }
    return this.inFlight.start(key, () => this.limit.run(() => this.completeNow(record, deadline)));
  }

  private async completeNow(record: AmiRecord, deadline: AbortSignal | undefined): Promise<PendingSsmUpdate> {
    try {
      const { record: after, ssmConfig } = await this.transitions.completeSsmUpdate(record, deadline);
      const kind = after.ssmPendingAmiId === undefined ? 'ssm-update-completed' : 'ssm-update-pending';
      return { kind, record: after, ssmConfig, cached: false };
    } catch (error) {
      const reason = deadline?.aborted ? 'deadline-exceeded' : 'state-table-error';
      return { kind: 'failed', reason, error, cached: false };
    }
  }
}

/** What a caller that joined an update sees when its own deadline comes first. */
function deadlineFirst(deadline: AbortSignal): PendingSsmUpdate {
  return { kind: 'failed', reason: 'deadline-exceeded', error: deadline.reason, cached: true };
}
