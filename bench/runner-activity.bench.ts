import path from 'node:path';
import { httpApiEvent } from '../local/lambda/api-gateway-events';
import { ColdProcessRun, invokeInColdProcess } from '../local/lambda/cold-process';
import type { LocalAws } from '../local/local-aws';
import { jobRecord } from '../local/local-dynamodb';
import { formatMs, formatRatio, formatTally, median, percentile } from './stats';
import { printTable } from './table';

const PROJECT_ROOT = path.resolve(__dirname, '../../..');
const STATUS_BUNDLE = path.join(PROJECT_ROOT, 'dist/lambda/status/index.js');
/** Built by lambda-handler.bench.ts, which runs first. */
const PLAIN_BUNDLE = path.join(PROJECT_ROOT, 'build/local/bench/plain-handler.bundle.js');
const WARM_INVOCATIONS = 500;
const COLD_RUNS = 11;
const JOB_RECORDS = 10_000;
/** A busy day: most jobs finished, a tenth of them runners now. */
const MIX: readonly [status: string, share: number][] = [
  ['pending', 0.02],
  ['provisioning', 0.01],
  ['running', 0.07],
  ['completed', 0.72],
  ['failed', 0.12],
  ['timeout', 0.04],
  ['interrupted', 0.02],
];

/**
 * The cold cost of counting: the production bundle's first GET /status on a table holding
 * 10 000 job records created over the last 24 hours, against the same on a table holding
 * none (one ready preset in both, the GitHub check off); then warm invocations on the busy
 * table against the plain handler, which the per-container cache keeps to the AMI query.
 */
export async function benchRunnerActivity(localAws: LocalAws): Promise<void> {
  const seededAt = Date.now();
  const [empty, busy] = [await table(localAws, 0), await table(localAws, JOB_RECORDS)];
  console.log(
    `\nRunner activity (production bundle): cold first GET /status with ${JOB_RECORDS} job records ` +
      `against none, median of ${COLD_RUNS} runs (seeded in ${formatMs(Date.now() - seededAt)} ms)`,
  );
  const [baseline, counted] = ['no job records', `${JOB_RECORDS} job records`];
  const runs: Record<string, ColdProcessRun[]> = { [baseline]: [], [counted]: [] };
  const tables: Record<string, string> = { [baseline]: empty, [counted]: busy };
  for (let run = 0; run < COLD_RUNS; run++) {
    for (const [name, results] of Object.entries(runs)) {
      results.push(
        await invokeInColdProcess(STATUS_BUNDLE, httpApiEvent(), 1, environment(localAws, tables[name])),
      );
    }
  }
  const coldMs = (name: string) => runs[name].map((run) => run.coldMs);
  const paired = median(coldMs(counted).map((ms, run) => ms / coldMs(baseline)[run]));
  printTable(
    ['table', 'cold ms', 'vs none', 'paired', 'job records counted'],
    Object.keys(runs).map((name) => [
      name,
      formatMs(median(coldMs(name))),
      formatRatio(median(coldMs(name)), median(coldMs(baseline))),
      name === counted ? `${paired.toFixed(2)}x` : '',
      describe(runs[name][0].results[0].body),
    ]),
  );
  console.log(
    `counting ${JOB_RECORDS} job records adds ${formatMs(median(coldMs(counted)) - median(coldMs(baseline)))} ms ` +
      `to a cold start; responses: ${formatTally(
        Object.values(runs)
          .flat()
          .map((run) => String(run.results[0].statusCode)),
      )}`,
  );

  console.log(
    `\nWarm, ${WARM_INVOCATIONS} invocations in one process on the table with ${JOB_RECORDS} job records`,
  );
  const warm = {
    'Nest, production bundle (counts on)': await invokeInColdProcess(
      STATUS_BUNDLE,
      httpApiEvent(),
      1 + WARM_INVOCATIONS,
      environment(localAws, busy),
    ),
    'plain, bundled': await invokeInColdProcess(
      PLAIN_BUNDLE,
      httpApiEvent(),
      1 + WARM_INVOCATIONS,
      environment(localAws, busy),
    ),
  };
  const plain = warm['plain, bundled'].warmMs;
  printTable(
    ['handler', 'median ms', 'p95 ms', 'median vs plain', 'p95 vs plain'],
    Object.entries(warm).map(([name, run]) => [
      name,
      formatMs(median(run.warmMs)),
      formatMs(percentile(run.warmMs, 95)),
      formatRatio(median(run.warmMs), median(plain)),
      formatRatio(percentile(run.warmMs, 95), percentile(plain, 95)),
    ]),
  );
}

async function table(localAws: LocalAws, jobRecords: number): Promise<string> {
  const tableName = await localAws.dynamoDb.createStateTable();
  const now = Date.now();
  await localAws.putReadyPreset(
    tableName,
    'linux-x64',
    'ami-0a1b2c3d4e5f60001',
    new Date(now - 3_600_000).toISOString(),
  );

  const items = [];
  let jobId = 1;
  for (const [status, share] of MIX) {
    for (let i = 0; i < Math.round(share * jobRecords); i++, jobId++) {
      // Spread over the last 23 hours, so every outcome is in the last 24 hours.
      const createdAt = new Date(now - ((jobId * 7919) % (23 * 3_600_000))).toISOString();
      items.push(jobRecord(jobId, status, createdAt));
    }
  }
  await localAws.dynamoDb.putAll(tableName, items);
  return tableName;
}

function environment(localAws: LocalAws, tableName: string): NodeJS.ProcessEnv {
  return localAws.lambdaEnvironment(tableName, { githubApp: false });
}

/** Runners now plus outcomes of the last 24 hours, as the response counts them. */
function describe(body: string): string {
  try {
    const { runners, recentActivity } = JSON.parse(body) as {
      runners: Record<string, number> | null;
      recentActivity: { last24Hours: Record<string, number> } | null;
    };
    if (runners === null || recentActivity === null) return 'null';
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((total, n) => total + n, 0);
    return String(sum(runners) + sum(recentActivity.last24Hours));
  } catch {
    return 'unreadable';
  }
}
