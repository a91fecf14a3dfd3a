/** Job statuses that are runners now: counted whatever their age. */
export const RUNNER_STATUSES = ['pending', 'provisioning', 'running'] as const;
/** Job statuses that are outcomes: counted by when the job was created. */
export const OUTCOME_STATUSES = ['completed', 'failed', 'timeout', 'interrupted'] as const;

export type RunnerStatus = (typeof RUNNER_STATUSES)[number];
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[number];

export type RunnerCounts = Record<RunnerStatus, number>;
export type OutcomeCounts = Record<OutcomeStatus, number>;

/** The platform's names: `runners` and `recentActivity` of GET /status. */
export interface RunnerActivity {
  runners: RunnerCounts;
  recentActivity: { lastHour: OutcomeCounts; last24Hours: OutcomeCounts };
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/**
 * createdAt is compared as a string by the index: a value written with an offset (up to
 * ±14 h) sorts by its local time. Reading from 14 h earlier and deciding by instant here
 * keeps every such record in its window.
 */
export const LARGEST_UTC_OFFSET_MS = 14 * HOUR_MS;

/** A job record's `createdAt` as epoch milliseconds, or undefined when it is no instant. */
export function instantOf(createdAt: unknown): number | undefined {
  const createdMs = typeof createdAt === 'string' ? Date.parse(createdAt) : NaN;
  return Number.isNaN(createdMs) ? undefined : createdMs;
}

/** "3 runners running, 1 runner pending": the runners there are, busiest state first. */
export function runnerContext(runners: RunnerCounts): string | undefined {
  const parts = (['running', 'provisioning', 'pending'] as const)
    .filter((status) => runners[status] > 0)
    .map((status) => `${runners[status]} ${runners[status] === 1 ? 'runner' : 'runners'} ${status}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}
