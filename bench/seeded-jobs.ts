/**
 * The job records the runners bench seeds: as the platform's webhook side writes them, with
 * their creation times spread so that both windows of the counts are busy, and the counts
 * the service must answer for them, worked out here on their own.
 */
import type { LocalAws } from '../local/local-aws';
import { jobRecord } from '../local/local-dynamodb';
import {
  OUTCOME_STATUSES,
  OutcomeStatus,
  RUNNER_STATUSES,
  RunnerActivity,
  RunnerStatus,
} from '../src/runners/runner-activity';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** A busy day: most jobs finished, a tenth of them runners now. */
export const JOB_MIX: readonly [status: RunnerStatus | OutcomeStatus, share: number][] = [
  ['pending', 0.02],
  ['provisioning', 0.01],
  ['running', 0.07],
  ['completed', 0.72],
  ['failed', 0.12],
  ['timeout', 0.04],
  ['interrupted', 0.02],
];
/** The share of the finished jobs created 24 to 38 hours ago: read by the outcome queries, never counted. */
const OLDER_SHARE = 0.1;
/**
 * No job is created in the quarter of an hour before a window's edge (1 h, 24 h, and the
 * outcome queries' 38 h) as seeded: a record crossing an edge while the bench runs (it takes
 * less) would change a count or the entries read between two invocations.
 */
export const EDGE_GAP_MS = 15 * MINUTE_MS;
/** How long ago a job in a runner state was created: a runner waits minutes, runs for hours. */
const RUNNER_STATE_AGES_MS: Record<RunnerStatus, number> = {
  pending: 10 * MINUTE_MS,
  provisioning: 5 * MINUTE_MS,
  running: 6 * HOUR_MS,
};
/** Where in the past finished jobs are created, as [from, to) ages, the edges' gaps left out. */
const RECENT_AGES: readonly [number, number][] = [
  [0, HOUR_MS - EDGE_GAP_MS],
  [HOUR_MS, 24 * HOUR_MS - EDGE_GAP_MS],
];
const OLDER_AGES: readonly [number, number][] = [[24 * HOUR_MS, 38 * HOUR_MS - EDGE_GAP_MS]];
/** Spreads the k-th record of a status evenly over its ages, in no particular order (a Weyl sequence). */
const GOLDEN_RATIO_FRACTION = 0.6180339887498949;

export interface SeededJob {
  status: RunnerStatus | OutcomeStatus;
  createdMs: number;
}

export interface SeededJobs {
  tableName: string;
  records: number;
  jobs: SeededJob[];
  /** Of the finished jobs, those created in the last 24 hours and 24 to 38 hours ago. */
  recent: number;
  older: number;
  /** The mean item size as DynamoDB counts it, which read units are paid by. */
  meanItemBytes: number;
  seedingMs: number;
}

/** A state table with one ready preset and `records` job records, written 25 at a time. */
export async function seedJobs(localAws: LocalAws, records: number): Promise<SeededJobs> {
  const tableName = await localAws.dynamoDb.createStateTable();
  const seededAt = Date.now();
  await localAws.putReadyPreset(
    tableName,
    'linux-x64',
    'ami-0a1b2c3d4e5f60001',
    new Date(seededAt - HOUR_MS).toISOString(),
  );
  const jobs = jobsOf(records, seededAt);
  const items = jobs.map((job, index) => platformJobRecord(index, job));
  const startedAt = performance.now();
  await localAws.dynamoDb.putAll(tableName, items);
  const isOlder = (job: SeededJob) => seededAt - job.createdMs >= 24 * HOUR_MS;
  return {
    tableName,
    records,
    jobs,
    recent: jobs.filter((job) => isOutcome(job.status) && !isOlder(job)).length,
    older: jobs.filter(isOlder).length,
    meanItemBytes: items.reduce((total, item) => total + dynamoDbItemBytes(item), 0) / items.length,
    seedingMs: performance.now() - startedAt,
  };
}

function jobsOf(records: number, seededAt: number): SeededJob[] {
  return JOB_MIX.flatMap(([status, share]) => {
    const count = Math.round(share * records);
    return Array.from({ length: count }, (_, k) => {
      const spread = (k * GOLDEN_RATIO_FRACTION) % 1;
      const age = isOutcome(status)
        ? ageWithin(spread, k < OLDER_SHARE * count ? OLDER_AGES : RECENT_AGES)
        : spread * RUNNER_STATE_AGES_MS[status];
      return { status, createdMs: seededAt - Math.floor(age) };
    });
  });
}

/** The age at `fraction` (0 to 1) of the total length of `ranges`, laid end to end. */
function ageWithin(fraction: number, ranges: readonly [number, number][]): number {
  let offset = fraction * ranges.reduce((total, [from, to]) => total + to - from, 0);
  for (const [from, to] of ranges) {
    if (offset < to - from) return from + offset;
    offset -= to - from;
  }
  return ranges[ranges.length - 1][1] - 1;
}

function isOutcome(status: string): status is OutcomeStatus {
  return (OUTCOME_STATUSES as readonly string[]).includes(status);
}

/**
 * A job record as the platform writes it: the workflow job it runs, the runner's preset,
 * labels and instance once one is launched, when it started and finished once it has.
 */
function platformJobRecord(index: number, { status, createdMs }: SeededJob): Record<string, unknown> {
  const preset = ['linux-x64', 'linux-arm64', 'windows-x64'][index % 3];
  const createdAt = new Date(createdMs).toISOString();
  const launched = status !== 'pending';
  const finished = isOutcome(status);
  return jobRecord(String(41_000_000_000 + index), status, createdAt, {
    repository: `example-org/service-${String(index % 40).padStart(2, '0')}`,
    owner: 'example-org',
    workflowName: 'CI',
    workflowRunId: 14_000_000_000 + Math.floor(index / 4),
    runAttempt: 1,
    jobName: `build and test (${preset})`,
    labels: ['self-hosted', preset.split('-')[0], preset.split('-')[1], `spot-runner:${preset}`],
    preset,
    webhookDeliveryId: `5f0c6f1e-9b2a-11ef-8d3c-${index.toString(16).padStart(12, '0')}`,
    ...(launched && {
      instanceId: `i-0${index.toString(16).padStart(16, '0')}`,
      instanceType: preset === 'linux-arm64' ? 'c7g.xlarge' : 'c7i.xlarge',
      availabilityZone: `eu-west-1${'abc'[index % 3]}`,
      runnerName: `spot-runner-${preset}-${index.toString(36)}`,
    }),
    ...(finished && {
      startedAt: new Date(createdMs + 40_000).toISOString(),
      completedAt: new Date(createdMs + 9 * MINUTE_MS).toISOString(),
      updatedAt: new Date(createdMs + 9 * MINUTE_MS).toISOString(),
      conclusion: { completed: 'success', failed: 'failure', timeout: 'cancelled', interrupted: 'cancelled' }[
        status
      ],
    }),
  });
}

/**
 * An item's size as DynamoDB bills it: each attribute's name and value in UTF-8, a number
 * 1 byte per two significant digits plus 1, a list or map 3 bytes plus 1 per element.
 */
export function dynamoDbItemBytes(item: Record<string, unknown>): number {
  return Object.entries(item).reduce(
    (total, [name, value]) => total + Buffer.byteLength(name) + valueBytes(value),
    0,
  );
}

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') {
    const digits = String(Math.abs(value))
      .replace('.', '')
      .replace(/^0+|0+$/g, '').length;
    return Math.ceil(digits / 2) + 1;
  }
  if (Array.isArray(value))
    return 3 + value.reduce((total: number, element) => total + 1 + valueBytes(element), 0);
  if (typeof value === 'object' && value !== null) {
    return 3 + Object.keys(value).length + dynamoDbItemBytes(value as Record<string, unknown>);
  }
  return 1; // a boolean or null
}

/**
 * What GET /status must answer at `nowMs`: every job in a runner state, and the finished
 * jobs by when they were created, in the last hour and the last 24 hours (an edge included).
 */
export function expectedActivity(jobs: readonly SeededJob[], nowMs: number): RunnerActivity {
  const count = (status: string, sinceMs = -Infinity) =>
    jobs.filter((job) => job.status === status && job.createdMs >= sinceMs).length;
  const outcomes = (sinceMs: number) =>
    Object.fromEntries(OUTCOME_STATUSES.map((status) => [status, count(status, sinceMs)]));
  return {
    runners: Object.fromEntries(RUNNER_STATUSES.map((status) => [status, count(status)])),
    recentActivity: { lastHour: outcomes(nowMs - HOUR_MS), last24Hours: outcomes(nowMs - 24 * HOUR_MS) },
  } as RunnerActivity;
}

/**
 * `exact` when the response's `runners` and `recentActivity` are the counts of the seeded
 * jobs at the invocation (at its start and at its end alike, which the edges' gaps ensure),
 * else what differs.
 */
export function checkCounts(
  body: string,
  jobs: readonly SeededJob[],
  window: { startedAt: number; endedAt: number },
): string {
  const expected = expectedActivity(jobs, window.startedAt);
  if (JSON.stringify(expected) !== JSON.stringify(expectedActivity(jobs, window.endedAt))) {
    return 'unknown: a record crossed a window edge during the invocation';
  }
  let answered: Partial<RunnerActivity>;
  try {
    answered = JSON.parse(body) as Partial<RunnerActivity>;
  } catch {
    return 'no JSON response';
  }
  const differences = [
    ...differencesIn('runners', expected.runners, answered.runners),
    ...differencesIn('lastHour', expected.recentActivity.lastHour, answered.recentActivity?.lastHour),
    ...differencesIn(
      'last24Hours',
      expected.recentActivity.last24Hours,
      answered.recentActivity?.last24Hours,
    ),
  ];
  return differences.length === 0 ? 'exact' : differences.join(', ');
}

/** "lastHour.failed 12 (expected 13)" for each count that differs; the whole group if it is missing. */
function differencesIn(
  group: string,
  expected: Record<string, number>,
  answered: Record<string, number> | null | undefined,
): string[] {
  if (answered == null) return [`${group} ${String(answered)}`];
  return Object.entries(expected)
    .filter(([status, count]) => answered[status] !== count)
    .map(([status, count]) => `${group}.${status} ${answered[status]} (expected ${count})`);
}
