import type { CreatedAtRange } from '../aws/job-records.repository';
import {
  DAY_MS,
  HOUR_MS,
  instantOf,
  LARGEST_UTC_OFFSET_MS,
  OUTCOME_STATUSES,
  OutcomeCounts,
  OutcomeStatus,
  RunnerActivity,
} from './runner-activity';

/** The createdAt one slice query reads: past its first page, a full read of 38 h is 38 slices per status, run at once. */
export const SLICE_MS = HOUR_MS;
/**
 * How much later than JOB_MAX_RUNTIME_HOURS after its createdAt a job's outcome may still be
 * written and be re-read by a warm refresh: clocks that differ, the index catching up. A
 * job later than that is counted at the next full read.
 */
export const SETTLE_MARGIN_MS = 15 * 60_000;

/**
 * What a container knows of the outcome statuses after a read: per status, the instants
 * (epoch ms, ascending) of the jobs in it created in the 24 h before the read.
 */
export interface OutcomeWindow {
  instants: Record<OutcomeStatus, Float64Array>;
  /** Jobs created before this had their outcome for good when read: a later read keeps them. */
  settledBeforeMs: number;
  /** When the last full read started; the next is due RUNNER_COUNTS_FULL_REFRESH_MINUTES after. */
  fullReadAtMs: number;
  /** A createdAt written with a UTC offset was read: its key may sort up to 14 h before its instant. */
  offsetsSeen: boolean;
}

/**
 * The read a refresh makes: the whole window, or only the jobs that could still move,
 * created from `keptBeforeMs` on (their keys from `fromMs`), keeping the window's older ones.
 */
export type OutcomeReadPlan =
  { kind: 'full'; fromMs: number } | { kind: 'incremental'; fromMs: number; keptBeforeMs: number };

/**
 * A full read when there is no window (the first read, or the last one failed), when the
 * last full read is RUNNER_COUNTS_FULL_REFRESH_MINUTES old, or when nothing read is settled
 * yet; otherwise only the createdAt that can still move.
 */
export function planOutcomeRead(
  previous: OutcomeWindow | undefined,
  nowMs: number,
  fullRefreshMs: number,
): OutcomeReadPlan {
  const full: OutcomeReadPlan = { kind: 'full', fromMs: nowMs - DAY_MS - LARGEST_UTC_OFFSET_MS };
  if (previous === undefined) return full;
  const sinceFullReadMs = nowMs - previous.fullReadAtMs;
  if (sinceFullReadMs < 0 || sinceFullReadMs >= fullRefreshMs) return full;
  const keptBeforeMs = previous.settledBeforeMs;
  if (keptBeforeMs <= nowMs - DAY_MS) return full;
  // A key with an offset west of UTC sorts before its instant: read that much further back.
  const fromMs = keptBeforeMs - (previous.offsetsSeen ? LARGEST_UTC_OFFSET_MS : 0);
  return { kind: 'incremental', fromMs, keptBeforeMs };
}

/** `fromMs` to now in SLICE_MS slices; the last one has no end, for keys that sort after now. */
export function createdAtSlices(fromMs: number, nowMs: number): CreatedAtRange[] {
  const starts = [fromMs];
  for (let start = fromMs + SLICE_MS; start < nowMs; start += SLICE_MS) starts.push(start);
  return starts.map((start, index) => {
    const end = starts[index + 1];
    return { from: toKey(start), ...(end !== undefined && { to: toKey(end) }) };
  });
}

/**
 * The rest of `slices` after the first page of their whole range stopped at `stoppedAt`: the
 * slice holding it, from there (its read resumes after that entry), and every later one.
 */
export function slicesAfter(slices: readonly CreatedAtRange[], stoppedAt: string): CreatedAtRange[] {
  const rest = slices.filter((slice) => slice.to === undefined || slice.to > stoppedAt);
  const [holding, ...later] = rest;
  return [{ ...holding, from: stoppedAt }, ...later];
}

/** What a read gave per status: the window after it, and the values that were no instant. */
export interface OutcomeWindowUpdate {
  window: OutcomeWindow;
  unreadable: Record<OutcomeStatus, number>;
}

/**
 * The window after `plan` read `createdAts` at `nowMs`: the previous window's jobs created
 * before `keptBeforeMs` (an incremental read), then those read, less any that left the 24 h.
 */
export function nextOutcomeWindow(
  previous: OutcomeWindow | undefined,
  plan: OutcomeReadPlan,
  createdAts: Record<OutcomeStatus, readonly unknown[]>,
  nowMs: number,
  jobMaxRuntimeMs: number,
): OutcomeWindowUpdate {
  const windowStartMs = nowMs - DAY_MS;
  const readFromMs = plan.kind === 'incremental' ? plan.keptBeforeMs : windowStartMs;
  let offsetsSeen = plan.kind === 'incremental' && previous !== undefined && previous.offsetsSeen;
  const instants = {} as Record<OutcomeStatus, Float64Array>;
  const unreadable = {} as Record<OutcomeStatus, number>;
  for (const status of OUTCOME_STATUSES) {
    const kept =
      plan.kind === 'incremental' && previous !== undefined
        ? between(previous.instants[status], windowStartMs, plan.keptBeforeMs)
        : new Float64Array(0);
    const read: number[] = [];
    unreadable[status] = 0;
    for (const createdAt of createdAts[status]) {
      const instantMs = instantOf(createdAt);
      if (instantMs === undefined) {
        unreadable[status]++;
        continue;
      }
      if (!(createdAt as string).endsWith('Z')) offsetsSeen = true;
      // Keys with an offset east of UTC sort after their instant: those before it are kept ones.
      if (instantMs >= readFromMs) read.push(instantMs);
    }
    const merged = new Float64Array(kept.length + read.length);
    merged.set(kept);
    merged.set(read, kept.length);
    instants[status] = merged.sort();
  }
  return {
    window: {
      instants,
      settledBeforeMs: nowMs - jobMaxRuntimeMs - SETTLE_MARGIN_MS,
      fullReadAtMs: plan.kind === 'full' || previous === undefined ? nowMs : previous.fullReadAtMs,
      offsetsSeen,
    },
    unreadable,
  };
}

/** The platform's `recentActivity` from the window: created in the last hour, in the last 24 hours. */
export function recentActivityOf(window: OutcomeWindow, nowMs: number): RunnerActivity['recentActivity'] {
  const lastHour = {} as OutcomeCounts;
  const last24Hours = {} as OutcomeCounts;
  for (const status of OUTCOME_STATUSES) {
    const instants = window.instants[status];
    // A job created exactly at a window's start is in it; one created after now (clock skew) too.
    lastHour[status] = instants.length - firstAtOrAfter(instants, nowMs - HOUR_MS);
    last24Hours[status] = instants.length - firstAtOrAfter(instants, nowMs - DAY_MS);
  }
  return { lastHour, last24Hours };
}

/** The part of ascending `instants` from `fromMs` (included) to `beforeMs` (excluded), not copied. */
function between(instants: Float64Array, fromMs: number, beforeMs: number): Float64Array {
  return instants.subarray(firstAtOrAfter(instants, fromMs), firstAtOrAfter(instants, beforeMs));
}

/** The index of the first instant at or after `ms` in ascending `instants` (their length if none). */
function firstAtOrAfter(instants: Float64Array, ms: number): number {
  let low = 0;
  let high = instants.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (instants[middle] < ms) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** A createdAt key as the platform writes it. */
function toKey(ms: number): string {
  return new Date(ms).toISOString();
}
