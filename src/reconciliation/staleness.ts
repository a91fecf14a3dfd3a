import { AmiRecord } from '../ami-state/ami-record';

/**
 * Stale: still `building` more than `thresholdMs` after its last update. A future `updatedAt`
 * (clock skew) is never stale; `ready` and `failed` records never are.
 */
export function isStale(record: AmiRecord, now: Date, thresholdMs: number): boolean {
  return record.status === 'building' && now.getTime() - record.updatedAtMs > thresholdMs;
}
