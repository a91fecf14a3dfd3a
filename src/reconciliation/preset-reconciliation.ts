import { SsmConfigOutcome, UnresolvedReason } from '../ami-state/outcomes';
import { AmiRecord, ParsedAmiRecord } from '../ami-state/ami-record';

/**
 * What reconciling one preset found and did: a stale record, a pending SSM update, a
 * drifted runner config. `kind` is the outcome's name; status/ publishes it as `outcome`.
 */
export type PresetReconciliation =
  | {
      presetName: string;
      kind: 'corrected';
      from: 'building';
      to: 'ready' | 'failed';
      /** The record as written. */
      record: AmiRecord;
      ssmConfig?: SsmConfigOutcome;
    }
  | { presetName: string; kind: 'still-building' }
  /** A pending SSM update left by an earlier transition, now done. */
  | { presetName: string; kind: 'ssm-update-completed'; record: AmiRecord; ssmConfig: SsmConfigOutcome }
  /** A ready preset's runner config found not holding its AMI, and set to it again. */
  | { presetName: string; kind: 'ssm-drift-repaired'; record: AmiRecord; ssmConfig: SsmConfigOutcome }
  | {
      presetName: string;
      kind: 'unresolved';
      reason: UnresolvedReason;
      /** For `superseded`: the newer record another writer left, when it could be read. */
      current?: ParsedAmiRecord;
      /** For `ssm-update-pending`: why the runner config is still behind. */
      ssmConfig?: SsmConfigOutcome;
    };

/** A reconciliation as one request saw it: `cached` when this request made no AWS call for it. */
export type ReportedReconciliation = PresetReconciliation & { cached: boolean };

/** The records as they are after reconciliation: a preset healed, its runner config updated or repaired, or superseded shows its new state. */
export function applyReconciliations(
  records: readonly ParsedAmiRecord[],
  reconciliations: readonly PresetReconciliation[],
): ParsedAmiRecord[] {
  const byPreset = new Map(reconciliations.map((r) => [r.presetName, r]));
  return records.map((parsed) => {
    if (parsed.kind === 'invalid') return parsed;
    const reconciliation = byPreset.get(parsed.record.presetName);
    if (reconciliation !== undefined && 'record' in reconciliation) {
      return { kind: 'valid', record: reconciliation.record };
    }
    if (reconciliation?.kind === 'unresolved' && reconciliation.current) return reconciliation.current;
    return parsed;
  });
}
