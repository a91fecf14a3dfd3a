import { AmiRecord } from '../ami-state/ami-record';
import { Clock } from '../common/clock';
import { UnresolvedReason } from '../ami-state/outcomes';
import { PresetReconciliation } from './preset-reconciliation';

/** Failures: the next request retries them. */
const TRANSIENT_REASONS: readonly UnresolvedReason[] = [
  'image-builder-error',
  'state-table-error',
  'deadline-exceeded',
  'ssm-update-pending',
];

/** Failures are retried by the next request; every other finding holds for the same updatedAt. */
export function isCacheable(reconciliation: PresetReconciliation): boolean {
  return !(reconciliation.kind === 'unresolved' && TRANSIENT_REASONS.includes(reconciliation.reason));
}

/** A reconciliation this container started, for the updatedAt it was started for. */
interface Entry {
  updatedAt: string;
  result: Promise<PresetReconciliation>;
  settled?: PresetReconciliation;
  /** When `settled` was found: it holds for the recheck interval. */
  settledAtMs?: number;
}

/** What this container knows of a stale record already: a finding that holds, or work in flight. */
export type Known = { settled: PresetReconciliation } | { inFlight: Promise<PresetReconciliation> };

/**
 * What this container found for each stale preset, by the `updatedAt` it was found for.
 * Concurrent requests share a reconciliation in flight; a finding holds for `recheckMs`
 * (a build still running, no pipeline or image yet, nothing newer: a build whose event is
 * lost may settle it, so it is checked again after that); failures are never kept; work
 * that its request's deadline aborted is forgotten, so the next request starts afresh
 * instead of joining work that will only report the deadline. Singleton state: it lives
 * as long as the container.
 */
export class ReconciliationCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly recheckMs: number,
  ) {}

  /** What is known of `record` and still holds, if anything: then no AWS call is needed. */
  lookup(record: AmiRecord): Known | undefined {
    const entry = this.entries.get(record.presetName);
    if (entry?.updatedAt !== record.updatedAt) return undefined;
    if (entry.settled === undefined) return { inFlight: entry.result };
    const ageMs = this.clock.now().getTime() - (entry.settledAtMs ?? 0);
    return ageMs < this.recheckMs ? { settled: entry.settled } : undefined;
  }

  /**
   * Shares `result` for `record` with the requests that come while it runs; keeps what it
   * finds when that may be kept; forgets it if `deadline` aborts first.
   */
  track(record: AmiRecord, result: Promise<PresetReconciliation>, deadline: AbortSignal): void {
    const presetName = record.presetName;
    const entry: Entry = { updatedAt: record.updatedAt, result };
    this.entries.set(presetName, entry);
    const forget = () => {
      if (this.entries.get(presetName) === entry) this.entries.delete(presetName);
    };
    const onAbort = () => {
      if (entry.settled === undefined) forget();
    };
    deadline.addEventListener('abort', onAbort, { once: true });
    void result.then((reconciliation) => {
      deadline.removeEventListener('abort', onAbort);
      if (isCacheable(reconciliation)) {
        entry.settled = reconciliation;
        entry.settledAtMs = this.clock.now().getTime();
      } else {
        forget();
      }
    });
  }
}
