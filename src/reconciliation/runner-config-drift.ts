import { AmiRecord } from '../ami-state/ami-record';

/** When a preset's runner config was last found holding its record's AMI, and which AMI. */
export interface RunnerConfigVerified {
  amiId: string;
  atMs: number;
}

/** A ready record with an AMI and no pending update says its runner config holds that AMI. */
export function claimsRunnerConfigAmi(record: AmiRecord): record is AmiRecord & { amiId: string } {
  return record.status === 'ready' && record.amiId !== null && record.ssmPendingAmiId === undefined;
}

/** Checked when never checked for this AMI, or last checked `intervalMs` or more ago. */
export function isRunnerConfigCheckDue(
  amiId: string,
  verified: RunnerConfigVerified | undefined,
  nowMs: number,
  intervalMs: number,
): boolean {
  return verified === undefined || verified.amiId !== amiId || nowMs - verified.atMs >= intervalMs;
}
