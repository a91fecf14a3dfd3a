import { AmiRecord } from '../ami-state/ami-record';
import { anAmiRecord } from '../testing/ami-record.fixture';
import { claimsRunnerConfigAmi, isRunnerConfigCheckDue } from './runner-config-drift';

const AMI = 'ami-0123456789abcdef0';
const record: AmiRecord = anAmiRecord({ status: 'ready', amiId: AMI, updatedAt: '2026-12-01T10:00:00.000Z' });

describe('claimsRunnerConfigAmi', () => {
  it.each([
    ['a ready record with an AMI', record, true],
    ['a ready record without an AMI', { ...record, amiId: null }, false],
    ['a ready record with a pending update', { ...record, ssmPendingAmiId: AMI }, false],
    ['a building record', { ...record, status: 'building' as const }, false],
    ['a failed record', { ...record, status: 'failed' as const }, false],
  ])('%s: %s', (_case, candidate, expected) => {
    expect(claimsRunnerConfigAmi(candidate)).toBe(expected);
  });
});

describe('isRunnerConfigCheckDue', () => {
  const intervalMs = 300_000;

  it.each([
    ['never checked', undefined, 0, true],
    ['checked for this AMI just now', { amiId: AMI, atMs: 1_000 }, 1_000, false],
    ['checked for this AMI within the interval', { amiId: AMI, atMs: 1_000 }, 300_999, false],
    ['checked for this AMI an interval ago', { amiId: AMI, atMs: 1_000 }, 301_000, true],
    ['checked for another AMI just now', { amiId: 'ami-0fedcba9876543210', atMs: 1_000 }, 1_000, true],
  ])('%s: %s', (_case, verified, nowMs, expected) => {
    expect(isRunnerConfigCheckDue(AMI, verified, nowMs, intervalMs)).toBe(expected);
  });
});
