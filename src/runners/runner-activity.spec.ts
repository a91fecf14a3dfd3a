import { countByWindow, outcomesCreatedFrom, runnerContext } from './runner-activity';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const msAgo = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const HOUR = 3_600_000;

describe('countByWindow', () => {
  it('counts a record created exactly at a window’s start in it, and one a millisecond older not', () => {
    const createdAts = [msAgo(HOUR), msAgo(HOUR + 1), msAgo(24 * HOUR), msAgo(24 * HOUR + 1)];

    expect(countByWindow(createdAts, NOW)).toEqual({ lastHour: 1, last24Hours: 3, unreadable: 0 });
  });

  it('counts a record created now, or a little in the future (clock skew), in both windows', () => {
    expect(countByWindow([NOW.toISOString(), msAgo(-5_000)], NOW)).toEqual({
      lastHour: 2,
      last24Hours: 2,
      unreadable: 0,
    });
  });

  it('compares instants, not strings: offsets and missing milliseconds', () => {
    const createdAts = [
      '2026-12-01T13:30:00+02:00', // 11:30Z: within the hour
      '2026-12-01T10:59:59Z', // just over an hour ago
      '2026-11-30T23:00:00-13:00', // 2026-12-01T12:00Z: now
    ];

    expect(countByWindow(createdAts, NOW)).toEqual({ lastHour: 2, last24Hours: 3, unreadable: 0 });
  });

  it('sets apart values that are no instant', () => {
    expect(countByWindow(['yesterday', 42, null, msAgo(10)], NOW)).toEqual({
      lastHour: 1,
      last24Hours: 1,
      unreadable: 3,
    });
  });
});

describe('outcomesCreatedFrom', () => {
  it('reads from 24 h ago, widened by the largest UTC offset, 14 h', () => {
    expect(outcomesCreatedFrom(NOW)).toBe('2026-11-29T22:00:00.000Z');
  });
});

describe('runnerContext', () => {
  it('says the runners there are, busiest state first, pluralising', () => {
    expect(runnerContext({ pending: 40, provisioning: 1, running: 3 })).toBe(
      '3 runners running, 1 runner provisioning, 40 runners pending',
    );
  });

  it('says nothing when there are none', () => {
    expect(runnerContext({ pending: 0, provisioning: 0, running: 0 })).toBeUndefined();
  });
});
