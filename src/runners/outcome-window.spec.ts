import {
  createdAtSlices,
  nextOutcomeWindow,
  OutcomeWindow,
  planOutcomeRead,
  recentActivityOf,
  SETTLE_MARGIN_MS,
  slicesAfter,
} from './outcome-window';
import { OutcomeStatus } from './runner-activity';

const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const HOUR = 3_600_000;
const MAX_RUNTIME = 6 * HOUR;
const FULL_REFRESH = 30 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const msAgo = (ms: number, from = NOW) => iso(from - ms);

/** createdAt values per outcome status, none unless given. */
function read(values: Partial<Record<OutcomeStatus, unknown[]>>): Record<OutcomeStatus, unknown[]> {
  return { completed: [], failed: [], timeout: [], interrupted: [], ...values };
}

/** The window a full read of `values` at `nowMs` leaves. */
function fullRead(values: Partial<Record<OutcomeStatus, unknown[]>>, nowMs = NOW): OutcomeWindow {
  const plan = planOutcomeRead(undefined, nowMs, FULL_REFRESH);
  return nextOutcomeWindow(undefined, plan, read(values), nowMs, MAX_RUNTIME).window;
}

describe('planOutcomeRead', () => {
  it('reads the whole window first: from 24 h ago, widened by the largest UTC offset, 14 h', () => {
    expect(planOutcomeRead(undefined, NOW, FULL_REFRESH)).toEqual({ kind: 'full', fromMs: NOW - 38 * HOUR });
  });

  it('then reads only the jobs created since the last read’s settled bound: its now less the maximum run time and the margin', () => {
    const previous = fullRead({});
    const later = NOW + 15_000;

    expect(planOutcomeRead(previous, later, FULL_REFRESH)).toEqual({
      kind: 'incremental',
      keptBeforeMs: NOW - MAX_RUNTIME - SETTLE_MARGIN_MS,
      fromMs: NOW - MAX_RUNTIME - SETTLE_MARGIN_MS,
    });
  });

  it('reads 14 h further back once a createdAt with an offset was read, whose key sorts before its instant', () => {
    const previous = fullRead({ completed: ['2026-12-01T01:00:00-05:00'] });

    expect(planOutcomeRead(previous, NOW + 15_000, FULL_REFRESH)).toMatchObject({
      kind: 'incremental',
      fromMs: NOW - MAX_RUNTIME - SETTLE_MARGIN_MS - 14 * HOUR,
    });
  });

  it('reads the whole window again RUNNER_COUNTS_FULL_REFRESH_MINUTES after the last full read, not a millisecond before', () => {
    const previous = fullRead({});

    expect(planOutcomeRead(previous, NOW + FULL_REFRESH - 1, FULL_REFRESH).kind).toBe('incremental');
    expect(planOutcomeRead(previous, NOW + FULL_REFRESH, FULL_REFRESH).kind).toBe('full');
  });

  it('reads the whole window when the clock went back, or when nothing read has settled within the 24 h', () => {
    expect(planOutcomeRead(fullRead({}), NOW - 1, FULL_REFRESH).kind).toBe('full');
    const longJobs = nextOutcomeWindow(
      undefined,
      planOutcomeRead(undefined, NOW, FULL_REFRESH),
      read({}),
      NOW,
      24 * HOUR,
    ).window;
    expect(planOutcomeRead(longJobs, NOW + 15_000, FULL_REFRESH).kind).toBe('full');
  });
});

describe('createdAtSlices', () => {
  it('cuts 38 h into 38 slices of an hour, each ending where the next starts, the last open', () => {
    const slices = createdAtSlices(NOW - 38 * HOUR, NOW);

    expect(slices).toHaveLength(38);
    expect(slices[0]).toEqual({ from: msAgo(38 * HOUR), to: msAgo(37 * HOUR) });
    slices.slice(0, -1).forEach((slice, index) => expect(slice.to).toBe(slices[index + 1].from));
    expect(slices[37]).toEqual({ from: msAgo(HOUR) });
  });

  it('ends the slices at now, a part of an hour the last one, which stays open for keys after now', () => {
    expect(createdAtSlices(NOW - 90 * 60_000, NOW)).toEqual([
      { from: msAgo(90 * 60_000), to: msAgo(30 * 60_000) },
      { from: msAgo(30 * 60_000) },
    ]);
  });

  it('is one open slice when the range starts at or after now', () => {
    expect(createdAtSlices(NOW, NOW)).toEqual([{ from: iso(NOW) }]);
    expect(createdAtSlices(NOW + 1, NOW)).toEqual([{ from: iso(NOW + 1) }]);
  });
});

describe('slicesAfter', () => {
  const slices = createdAtSlices(NOW - 3 * HOUR, NOW);

  it('starts at the slice holding where the first page stopped, from there, then every later slice', () => {
    expect(slicesAfter(slices, msAgo(150 * 60_000))).toEqual([
      { from: msAgo(150 * 60_000), to: msAgo(2 * HOUR) },
      { from: msAgo(2 * HOUR), to: msAgo(HOUR) },
      { from: msAgo(HOUR) },
    ]);
  });

  it('starts at the next slice when the page stopped exactly at its start', () => {
    expect(slicesAfter(slices, msAgo(2 * HOUR))).toEqual([
      { from: msAgo(2 * HOUR), to: msAgo(HOUR) },
      { from: msAgo(HOUR) },
    ]);
  });

  it('is the open last slice, from there, when the page stopped in it or after now', () => {
    expect(slicesAfter(slices, msAgo(-60_000))).toEqual([{ from: msAgo(-60_000) }]);
  });
});

describe('nextOutcomeWindow and recentActivityOf', () => {
  it('counts a job created exactly at a window’s start in it, one a millisecond older not', () => {
    const window = fullRead({
      completed: [msAgo(HOUR), msAgo(HOUR + 1), msAgo(24 * HOUR), msAgo(24 * HOUR + 1)],
    });

    const activity = recentActivityOf(window, NOW);

    expect([activity.lastHour.completed, activity.last24Hours.completed]).toEqual([1, 3]);
  });

  it('counts a job created now, or a little in the future (clock skew), in both windows', () => {
    const activity = recentActivityOf(fullRead({ failed: [iso(NOW), msAgo(-5_000)] }), NOW);

    expect([activity.lastHour.failed, activity.last24Hours.failed]).toEqual([2, 2]);
  });

  it('compares instants, not strings: offsets and missing milliseconds', () => {
    const window = fullRead({
      timeout: [
        '2026-12-01T13:30:00+02:00', // 11:30Z: within the hour
        '2026-12-01T10:59:59Z', // just over an hour ago
        '2026-11-30T23:00:00-13:00', // 2026-12-01T12:00Z: now
      ],
    });

    const activity = recentActivityOf(window, NOW);

    expect([activity.lastHour.timeout, activity.last24Hours.timeout]).toEqual([2, 3]);
    expect(window.offsetsSeen).toBe(true);
  });

  it('sets apart values that are no instant, per status, and keeps none of them', () => {
    const plan = planOutcomeRead(undefined, NOW, FULL_REFRESH);

    const { window, unreadable } = nextOutcomeWindow(
      undefined,
      plan,
      read({ interrupted: ['yesterday', 42, null, msAgo(10)] }),
      NOW,
      MAX_RUNTIME,
    );

    expect(unreadable).toEqual({ completed: 0, failed: 0, timeout: 0, interrupted: 3 });
    expect(Array.from(window.instants.interrupted)).toEqual([NOW - 10]);
  });

  describe('an incremental read', () => {
    const later = NOW + 15 * 60_000;
    const keptBefore = NOW - MAX_RUNTIME - SETTLE_MARGIN_MS;
    const previous = fullRead({
      completed: [msAgo(24 * HOUR - 10 * 60_000), msAgo(10 * HOUR), msAgo(2 * HOUR)],
      failed: [msAgo(3 * HOUR)],
    });

    function incremental(values: Partial<Record<OutcomeStatus, unknown[]>>) {
      const plan = planOutcomeRead(previous, later, FULL_REFRESH);
      return nextOutcomeWindow(previous, plan, read(values), later, MAX_RUNTIME).window;
    }

    it('keeps the settled jobs, created before the bound, and takes the rest from what it read: entering and moving', () => {
      // The job of 3 h ago moved from failed to completed; one created a minute ago entered.
      const window = incremental({ completed: [msAgo(3 * HOUR), msAgo(2 * HOUR), msAgo(60_000, later)] });

      // The job of 23 h 50 min ago left the 24 h.
      expect(Array.from(window.instants.completed)).toEqual([
        NOW - 10 * HOUR,
        NOW - 3 * HOUR,
        NOW - 2 * HOUR,
        later - 60_000,
      ]);
      expect(Array.from(window.instants.failed)).toEqual([]);
      expect(window.settledBeforeMs).toBe(later - MAX_RUNTIME - SETTLE_MARGIN_MS);
      expect(window.fullReadAtMs).toBe(NOW);
    });

    it('drops the jobs that left the 24 h, and counts what stays', () => {
      expect(recentActivityOf(previous, NOW).last24Hours.completed).toBe(3);

      const window = incremental({ completed: [msAgo(2 * HOUR)] });

      expect(Array.from(window.instants.completed)).toEqual([NOW - 10 * HOUR, NOW - 2 * HOUR]);
      expect(recentActivityOf(window, later).last24Hours.completed).toBe(2);
    });

    it('takes a key with an offset east of UTC whose instant is settled from the kept part, never twice', () => {
      // 14:00+05:00 is 09:00Z: before the bound, though its key sorts after it.
      const settledEast = '2026-12-01T04:00:00+05:00';
      expect(Date.parse(settledEast)).toBeLessThan(keptBefore);

      const window = incremental({ completed: [settledEast, msAgo(2 * HOUR)] });

      expect(Array.from(window.instants.completed)).toEqual([NOW - 10 * HOUR, NOW - 2 * HOUR]);
    });
  });
});
