import { build, type BuildOptions } from 'esbuild';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DynamoDbFaultProxy, ServiceTimeModel } from '../local/fake-aws/dynamodb-fault-proxy';
import { httpApiEvent } from '../local/lambda/api-gateway-events';
import { ColdProcessRun, invokeInColdProcess } from '../local/lambda/cold-process';
import type { LocalAws } from '../local/local-aws';
import { checkCounts, SeededJobs, seedJobs } from './seeded-jobs';
import {
  callsByInvocation,
  describeModel,
  OutcomeRecordsReader,
  ReadFigures,
  statusIndexFigures,
} from './status-index-reads';
import { formatMs, formatRatio, formatTally, median, percentile } from './stats';
import { printTable } from './table';

const PROJECT_ROOT = path.resolve(__dirname, '../../..');
const STATUS_BUNDLE = path.join(PROJECT_ROOT, 'dist/lambda/status/index.js');
const PLAIN_SOURCE = path.join(PROJECT_ROOT, 'bench/plain-handler.mjs');
/** Where the lambda bench builds it too: either bench may run alone. */
const PLAIN_BUNDLE = path.join(PROJECT_ROOT, 'build/local/bench/plain-handler.bundle.js');
const JOB_RECORDS = [10_000, 100_000];
const COLD_ROUNDS = 5;
const WARM_INVOCATIONS = 500;
/**
 * DynamoDB's time to serve a page, as the proxy holds each Query answer: about 10 ms for a
 * small query from a Lambda function in the same region, and 100 µs per entry read, so a full
 * 1 MB page (some 2 000 entries of 500 bytes) takes about 200 ms: an assumption, within what
 * published measurements of full pages report (a few hundred ms). dynalite's own time counts
 * in it, and must stay well below it: see the line the cold read prints about dynalite.
 */
const DYNAMODB_SERVICE_TIME: ServiceTimeModel = { fixedMs: 10, perEntryMs: 0.1 };
/** The warm refresh: the counts kept 1 s, and the next invocation 1.5 s later. */
const REFRESH_TTL_SECONDS = 1;
const PAUSE_PAST_TTL_MS = 1_500;
/** Issue 22's targets: a cold read within half a serial one, a warm refresh within a third of its entries. */
const COLD_TARGET = 0.5;
const WARM_ENTRIES_TARGET = 1 / 3;

/** The local AWS, its DynamoDB proxy (the model on) and the bench's own reader through it. */
interface Bench {
  localAws: LocalAws;
  proxy: DynamoDbFaultProxy;
  reader: OutcomeRecordsReader;
}

/** One read of the status-index and what it cost. */
interface MeasuredRead {
  records: number;
  read: string;
  figures: ReadFigures;
  /** The invocation's time, or the bench's read's; none for calls between invocations. */
  ms?: number;
  counts: string;
}

/**
 * Issue 22: what counting the runners reads and how long it takes on DynamoDB, the
 * production bundle in cold processes with its DynamoDB calls through the proxy, which holds
 * each answer for DynamoDB's modelled service time and logs what it read. At 10 000 and
 * 100 000 job records: the index entries and read units of a cold read and of a warm
 * refresh, and whether the counts are exact; at 100 000, the cold first GET /status against
 * one serial read of the outcome records; then warm requests against the plain handler.
 */
export async function benchRunnerActivity(localAws: LocalAws): Promise<void> {
  await buildPlainBundle();
  const proxy = localAws.dynamoDbFaults;
  const bench: Bench = { localAws, proxy, reader: new OutcomeRecordsReader(proxy.endpoint, localAws.region) };
  proxy.resetControls();
  proxy.modelServiceTime(DYNAMODB_SERVICE_TIME);
  try {
    console.log(
      `\nRunner activity (issue 22): the production bundle's DynamoDB calls through the proxy, ` +
        `DynamoDB's service time modelled as ${describeModel(DYNAMODB_SERVICE_TIME)}`,
    );
    const reads: MeasuredRead[] = [];
    const tables: SeededJobs[] = [];
    for (const records of JOB_RECORDS) {
      tables.push(await seed(localAws, records));
      reads.push(...(await measureReads(bench, tables[tables.length - 1])));
    }
    const busiest = tables[tables.length - 1];
    printReads(reads, busiest);
    await benchColdRead(bench, busiest);
    proxy.resetControls();
    await benchWarm(localAws, busiest);
  } finally {
    proxy.resetControls();
    bench.reader.destroy();
  }
}

async function seed(localAws: LocalAws, records: number): Promise<SeededJobs> {
  const seeded = await seedJobs(localAws, records);
  console.log(
    `seeded ${count(records)} job records in ${(seeded.seedingMs / 1000).toFixed(1)} s (putAll, 25 a batch): ` +
      `${count(seeded.recent)} finished in the last 24 h, ${count(seeded.older)} 24 to 38 h ago, ` +
      `${count(records - seeded.recent - seeded.older)} runners; mean item ${seeded.meanItemBytes.toFixed(0)} bytes`,
  );
  return seeded;
}

/**
 * The bench's serial read of the outcome records (it asks for the read units), then the
 * bundle's cold read and, in the same process after the TTL, its warm refresh.
 */
async function measureReads({ localAws, proxy, reader }: Bench, seeded: SeededJobs): Promise<MeasuredRead[]> {
  proxy.clearCalls();
  const startedAt = performance.now();
  await reader.serially(seeded.tableName, new Date());
  const serial: MeasuredRead = {
    records: seeded.records,
    read: 'bench: outcome records, serial',
    figures: statusIndexFigures(proxy.calls),
    ms: performance.now() - startedAt,
    counts: '',
  };

  proxy.clearCalls();
  const run = await invokeInColdProcess(
    STATUS_BUNDLE,
    httpApiEvent(),
    2,
    modelledEnvironment(localAws, proxy, seeded, { RUNNER_COUNTS_TTL_SECONDS: String(REFRESH_TTL_SECONDS) }),
    { pauseMs: PAUSE_PAST_TTL_MS },
  );
  const { invocations, between } = callsByInvocation(proxy.calls, run.windows);
  const bundle = (invocation: number, read: string): MeasuredRead => ({
    records: seeded.records,
    read,
    figures: statusIndexFigures(invocations[invocation]),
    ms: run.windows[invocation].endedAt - run.windows[invocation].startedAt,
    counts: checkCounts(run.results[invocation].body, seeded.jobs, run.windows[invocation]),
  });
  const outsideInvocations: MeasuredRead[] =
    between.length === 0
      ? []
      : [
          {
            records: seeded.records,
            read: 'bundle: between the invocations',
            figures: statusIndexFigures(between),
            counts: '',
          },
        ];
  return [
    serial,
    bundle(0, 'bundle: cold'),
    bundle(1, `bundle: warm refresh after the TTL (${REFRESH_TTL_SECONDS} s)`),
    ...outsideInvocations,
  ];
}

function printReads(reads: MeasuredRead[], busiest: SeededJobs): void {
  console.log(
    `\nStatus-index reads: entries (sum of ScannedCount), read units (sum of CapacityUnits, ` +
      `when the answers carry them), the model's service time of the queries`,
  );
  printTable(
    ['records', 'read', 'queries', 'entries', 'read units', 'model: serial ms', 'ms', 'counts'],
    reads.map(({ records, read, figures, ms, counts }) => [
      count(records),
      read,
      String(figures.queries),
      count(figures.entries),
      figures.units === undefined ? 'not asked' : count(figures.units),
      formatMs(figures.modelledMs),
      ms === undefined ? '' : formatMs(ms),
      counts,
    ]),
  );
  const readOf = (records: number, read: string) =>
    reads.find((candidate) => candidate.records === records && candidate.read.startsWith(read))!;
  for (const records of JOB_RECORDS) {
    const ratio =
      readOf(records, 'bundle: warm').figures.entries / readOf(records, 'bundle: cold').figures.entries;
    const target =
      records === Math.max(...JOB_RECORDS)
        ? `; target ≤ ${WARM_ENTRIES_TARGET.toFixed(2)}: ${ratio <= WARM_ENTRIES_TARGET ? 'met' : 'not met'}`
        : '';
    console.log(`${count(records)} records: warm refresh / cold read, entries ${ratio.toFixed(2)}${target}`);
  }
  const fit = (read: string, value: (figures: ReadFigures) => number | undefined) =>
    linearFit(JOB_RECORDS.map((records) => [records, value(readOf(records, read).figures)]));
  console.log(`fits through ${JOB_RECORDS.map(count).join(' and ')} records (per record seeded):`);
  console.log(`  bundle, cold read, entries: ${fit('bundle: cold', (figures) => figures.entries)}`);
  console.log(`  bundle, warm refresh, entries: ${fit('bundle: warm', (figures) => figures.entries)}`);
  console.log(
    `  bench's serial read of the outcomes, entries: ${fit('bench', (figures) => figures.entries)}`,
  );
  console.log(
    `  bench's serial read of the outcomes, read units: ${fit('bench', (figures) => figures.units)}`,
  );
  console.log(`  bundle, cold read, read units: ${fit('bundle: cold', (figures) => figures.units)}`);
  console.log(`  bundle, warm refresh, read units: ${fit('bundle: warm', (figures) => figures.units)}`);
  const serial = readOf(busiest.records, 'bench').figures;
  console.log(
    `read units per entry read (bench's serial read, ${count(busiest.records)} records): ` +
      `${((serial.units ?? NaN) / serial.entries).toFixed(4)}; the mean item's ${busiest.meanItemBytes.toFixed(0)} bytes ` +
      `/ 8 KiB (eventually consistent) is ${(busiest.meanItemBytes / 8192).toFixed(4)}, each page rounded up to 4 KiB`,
  );
}

/** "a + b × records", or why there is none. */
function linearFit(points: [number, number | undefined][]): string {
  if (points.some(([, y]) => y === undefined)) return 'not asked';
  const [[x1, y1], [x2, y2]] = points as [number, number][];
  const slope = (y2 - y1) / (x2 - x1);
  return `${(y1 - slope * x1).toFixed(1)} + ${slope.toFixed(4)} × records`;
}

/**
 * The cold first GET /status against the bench reading the same outcome records serially
 * and four statuses at once, alternated; then the serial read with the model off, which is
 * dynalite's own time.
 */
async function benchColdRead({ localAws, proxy, reader }: Bench, seeded: SeededJobs): Promise<void> {
  const now = () => new Date();
  const reads: Record<string, () => Promise<{ ms: number; counts?: string }>> = {
    'serial: one status, one page after another (baseline)': async () =>
      timed(() => reader.serially(seeded.tableName, now())),
    'four statuses at once, pages serial (before issue 22)': async () =>
      timed(() => reader.fourAtOnce(seeded.tableName, now())),
    'production bundle, cold first GET /status': async () => {
      const run = await invokeInColdProcess(
        STATUS_BUNDLE,
        httpApiEvent(),
        1,
        modelledEnvironment(localAws, proxy, seeded),
      );
      return { ms: run.coldMs, counts: checkCounts(run.results[0].body, seeded.jobs, run.windows[0]) };
    },
  };
  const measured = new Map<string, { ms: number[]; figures: ReadFigures[]; counts: string[] }>(
    Object.keys(reads).map((read) => [read, { ms: [], figures: [], counts: [] }]),
  );
  for (let round = 0; round < COLD_ROUNDS; round++) {
    for (const [read, run] of Object.entries(reads)) {
      proxy.clearCalls();
      const { ms, counts } = await run();
      const results = measured.get(read)!;
      results.ms.push(ms);
      results.figures.push(statusIndexFigures(proxy.calls));
      if (counts !== undefined) results.counts.push(counts);
    }
  }
  proxy.modelServiceTime(undefined);
  proxy.clearCalls();
  const unmodelled = {
    ...(await timed(() => reader.serially(seeded.tableName, now()))),
    figures: statusIndexFigures(proxy.calls),
  };
  proxy.modelServiceTime(DYNAMODB_SERVICE_TIME);

  const [serial, , bundle] = Object.keys(reads);
  const serialMs = measured.get(serial)!.ms;
  console.log(
    `\nCold read of ${count(seeded.records)} job records: median of ${COLD_ROUNDS} alternated rounds; ` +
      `the model's time of the same queries one after another, and of their longest chain of pages`,
  );
  printTable(
    ['read', 'ms', 'vs serial', 'paired', 'queries', 'entries', 'model: serial ms', 'model: all at once ms'],
    [
      ...[...measured].map(([read, { ms, figures }]) => [
        read,
        formatMs(median(ms)),
        formatRatio(median(ms), median(serialMs)),
        `${median(ms.map((value, round) => value / serialMs[round])).toFixed(2)}x`,
        String(figures[0].queries),
        count(figures[0].entries),
        formatMs(median(figures.map((figure) => figure.modelledMs))),
        formatMs(median(figures.map((figure) => figure.longestChainMs))),
      ]),
      [
        'serial, model off: dynalite and the SDK alone',
        formatMs(unmodelled.ms),
        formatRatio(unmodelled.ms, median(serialMs)),
        '',
        String(unmodelled.figures.queries),
        count(unmodelled.figures.entries),
        '',
        '',
      ],
    ],
  );
  const bundleMs = measured.get(bundle)!.ms;
  const paired = median(bundleMs.map((ms, round) => ms / serialMs[round]));
  console.log(
    `production bundle: ${formatRatio(median(bundleMs), median(serialMs))} a serial read (paired ${paired.toFixed(2)}x); ` +
      `target ≤ ${COLD_TARGET.toFixed(2)}x: ${paired <= COLD_TARGET ? 'met' : 'not met'}; its ms include loading the bundle and Nest's start; ` +
      `counts: ${formatTally(measured.get(bundle)!.counts)}`,
  );
  const perEntryUs = ({ targetMs, entries }: ReadFigures) => ((targetMs * 1000) / entries).toFixed(1);
  console.log(
    `dynalite's own time, the serial read unmodelled: ${formatMs(unmodelled.figures.targetMs)} ms, ` +
      `${perEntryUs(unmodelled.figures)} µs per entry (the model: ${(DYNAMODB_SERVICE_TIME.perEntryMs * 1000).toFixed(1)} µs). ` +
      `dynalite serves one query at a time: no read of these records takes less here, ` +
      `${formatRatio(unmodelled.figures.targetMs, median(serialMs))} the serial read`,
  );
}

async function timed(read: () => Promise<unknown>): Promise<{ ms: number }> {
  const startedAt = performance.now();
  await read();
  return { ms: performance.now() - startedAt };
}

/**
 * Warm invocations within the TTL on the busiest table, straight to dynalite as before issue
 * 22 (no proxy, no model): what Nest and the cache cost a request over the plain handler.
 */
async function benchWarm(localAws: LocalAws, seeded: SeededJobs): Promise<void> {
  console.log(
    `\nWarm, ${WARM_INVOCATIONS} invocations in one process on the table with ${count(seeded.records)} job records ` +
      `(straight to dynalite, no model)`,
  );
  const environment = {
    ...localAws.lambdaEnvironment(seeded.tableName, { githubApp: false }),
    AWS_ENDPOINT_URL_DYNAMODB: localAws.dynamoDb.endpoint,
  };
  const warm: Record<string, ColdProcessRun> = {
    'Nest, production bundle (counts on)': await invokeInColdProcess(
      STATUS_BUNDLE,
      httpApiEvent(),
      1 + WARM_INVOCATIONS,
      environment,
    ),
    'plain, bundled': await invokeInColdProcess(
      PLAIN_BUNDLE,
      httpApiEvent(),
      1 + WARM_INVOCATIONS,
      environment,
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
  console.log(
    `responses: ${formatTally(
      Object.values(warm).flatMap((run) => run.results.map((result) => String(result.statusCode))),
    )}`,
  );
}

/** The bundle's environment with its DynamoDB calls through the proxy (the model on). */
function modelledEnvironment(
  localAws: LocalAws,
  proxy: DynamoDbFaultProxy,
  seeded: SeededJobs,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    ...localAws.lambdaEnvironment(seeded.tableName, { githubApp: false }),
    AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
    ...extra,
  };
}

/**
 * The plain handler bundled as the production bundles are (scripts/lambda-bundling.mjs), as
 * the lambda bench builds it: the warm baseline.
 */
async function buildPlainBundle(): Promise<void> {
  const bundling = pathToFileURL(path.join(PROJECT_ROOT, 'scripts/lambda-bundling.mjs')).href;
  const { LAMBDA_BUILD_OPTIONS } = (await import(bundling)) as { LAMBDA_BUILD_OPTIONS: BuildOptions };
  await build({ ...LAMBDA_BUILD_OPTIONS, entryPoints: [PLAIN_SOURCE], outfile: PLAIN_BUNDLE });
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
