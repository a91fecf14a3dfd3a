import { AmiRecord, AmiStatus } from '../ami-state/ami-record';
import { isStale } from './staleness';

const now = new Date('2026-11-23T12:00:00.000Z');
const thirtyMinutesMs = 30 * 60_000;

function amiRecord(status: AmiStatus, updatedAt: string): AmiRecord {
  return {
    jobId: 'AMI#linux-x64',
    presetName: 'linux-x64',
    status,
    amiId: status === 'ready' ? 'ami-0123456789abcdef0' : null,
    updatedAt,
    updatedAtMs: Date.parse(updatedAt),
  };
}

describe('isStale', () => {
  it('Record is stale: building and updated more than 30 minutes ago', () => {
    const record = amiRecord('building', '2026-11-23T11:29:59.999Z');

    expect(isStale(record, now, thirtyMinutesMs)).toBe(true);
  });

  it('Record is stale: building since days ago', () => {
    const record = amiRecord('building', '2026-11-20T08:00:00.000Z');

    expect(isStale(record, now, thirtyMinutesMs)).toBe(true);
  });

  it('Record is not stale: building and updated less than 30 minutes ago', () => {
    const record = amiRecord('building', '2026-11-23T11:45:00.000Z');

    expect(isStale(record, now, thirtyMinutesMs)).toBe(false);
  });

  it('Record is not stale: building and updated exactly 30 minutes ago', () => {
    const record = amiRecord('building', '2026-11-23T11:30:00.000Z');

    expect(isStale(record, now, thirtyMinutesMs)).toBe(false);
  });

  it('Record is not stale: building with an updatedAt in the future', () => {
    const record = amiRecord('building', '2026-11-23T13:00:00.000Z');

    expect(isStale(record, now, thirtyMinutesMs)).toBe(false);
  });

  it.each<AmiStatus>(['ready', 'failed'])('Non-building records are ignored: %s, however old', (status) => {
    const record = amiRecord(status, '2025-01-01T00:00:00.000Z');

    expect(isStale(record, now, thirtyMinutesMs)).toBe(false);
  });

  it('uses the threshold it is given', () => {
    // Prepare
    const record = amiRecord('building', '2026-11-23T11:00:00.000Z');

    // Act
    const staleAfterThirty = isStale(record, now, thirtyMinutesMs);
    const staleAfterNinety = isStale(record, now, 90 * 60_000);

    // Assess
    expect(staleAfterThirty).toBe(true);
    expect(staleAfterNinety).toBe(false);
  });
});
