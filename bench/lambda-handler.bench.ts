import type { APIGatewayProxyResult } from 'aws-lambda';
import { build, type BuildOptions } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { httpApiEvent } from '../local/lambda/api-gateway-events';
import { ColdProcessRun, invokeInColdProcess } from '../local/lambda/cold-process';
import type { LocalAws } from '../local/local-aws';
import { jobRecord } from '../local/local-dynamodb';
import { JOB_MIX } from './seeded-jobs';
import { formatMs, formatRatio, formatTally, median, percentile } from './stats';
import { printTable } from './table';

/** This file runs from build/local/bench/; the handlers are loaded from dist/ and the source tree. */
const PROJECT_ROOT = path.resolve(__dirname, '../../..');
/** Enough runs for the paired ratio to hold still to a few percent on a shared machine. */
const COLD_RUNS = 21;
const WARM_INVOCATIONS = 500;
const READY_PRESETS = ['linux-arm64', 'linux-x64', 'windows-x64'];

interface Handler {
  name: string;
  module: string;
  /** The handler this one is compared with. */
  baseline?: Handler;
  /** The request's Accept header: JSON unless said. */
  accept?: string;
  /** The Node binary that runs it: this process's unless said. */
  node?: string;
  /** Set in its environment besides the bench's own. */
  extraEnvironment?: Record<string, string>;
}

const PLAIN_SOURCE = path.join(PROJECT_ROOT, 'bench/plain-handler.mjs');
/** The plain handler as CommonJS, not bundled: loaded as dist/ is. */
const PLAIN: Handler = {
  name: 'plain',
  module: path.join(PROJECT_ROOT, 'build/local/bench/plain-handler.cjs'),
};
const PLAIN_BUNDLE: Handler = {
  name: 'plain, bundled',
  module: path.join(PROJECT_ROOT, 'build/local/bench/plain-handler.bundle.js'),
};
const NEST: Handler = {
  name: 'Nest',
  module: path.join(PROJECT_ROOT, 'dist/main.lambda.js'),
  baseline: PLAIN,
};
const NEST_BUNDLE: Handler = {
  name: 'Nest, production bundle',
  module: path.join(PROJECT_ROOT, 'dist/lambda/status/index.js'),
  baseline: PLAIN_BUNDLE,
};
/**
 * The same bundle asked by a browser, against itself answering JSON: what the status page's
 * module (loaded on the first HTML request) and its first render add.
 */
const NEST_BUNDLE_HTML: Handler = {
  name: 'Nest, production bundle, HTML page',
  module: NEST_BUNDLE.module,
  baseline: NEST_BUNDLE,
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
};
/** Nest, Express and serverless-express alone, bundled as the service is: the framework's share. */
const MINIMAL_NEST_BUNDLE: Handler = {
  name: 'minimal Nest app, bundled',
  module: path.join(PROJECT_ROOT, 'build/local/bench/minimal-nest-handler.bundle.js'),
  baseline: PLAIN_BUNDLE,
};
const HANDLERS = [NEST, PLAIN, NEST_BUNDLE, NEST_BUNDLE_HTML, MINIMAL_NEST_BUNDLE, PLAIN_BUNDLE];

/** The features a cold GET /status pays for beside the AMIs, each switched off as an operator would. */
const FEATURES_OFF = {
  RUNNER_COUNTS_ENABLED: 'false',
  SSM_VERIFY_ENABLED: 'false',
  POWERTOOLS_METRICS_DISABLED: 'true',
};
const FEATURES_OFF_BUNDLE: Handler = {
  name: 'production bundle, features off',
  module: NEST_BUNDLE.module,
  extraEnvironment: FEATURES_OFF,
};
const FEATURES_ON_BUNDLE: Handler = {
  name: 'production bundle, features on',
  module: NEST_BUNDLE.module,
  baseline: FEATURES_OFF_BUNDLE,
};
/** Issue 22's target: the cold first GET /status at most 10 % slower with the features on. */
const FEATURES_TARGET = 1.1;
/** Job records for the counts to read: created over the last 24 hours, in a busy day's mix. */
const JOB_RECORDS = 1_000;

interface ChildRun extends ColdProcessRun {
  /** One description per invocation, such as "200 with 3 presets". */
  responses: string[];
}

/**
 * (b) and (c): the Nest Lambda handler against a plain handler doing the same DynamoDB
 * query, unbundled (dist/) and bundled (the production bundle against the plain handler
 * bundled the same way).
 */
export async function benchLambdaHandlers(localAws: LocalAws): Promise<void> {
  await buildBaselines();
  const environment = await childEnvironment(localAws);
  await benchColdStart(environment);
  await benchWarm(environment);
  await benchFeatureSwitches(localAws);
}

/**
 * Issue 22's target: the production bundle's cold first GET /status with the runner counts,
 * the runner config check and the metrics on, against the same bundle with the three
 * switched off (FEATURES_OFF), alternated, on a table whose job records the counts read.
 */
async function benchFeatureSwitches(localAws: LocalAws): Promise<void> {
  const environment = await childEnvironment(localAws, JOB_RECORDS);
  console.log(
    `\nThe features' cold cost: the production bundle's cold first GET /status (${READY_PRESETS.length} ready ` +
      `presets, ${JOB_RECORDS} job records over the last 24 h) with the runner counts, the runner config ` +
      `check and the metrics on, against them off (${Object.entries(FEATURES_OFF)
        .map(([variable, value]) => `${variable}=${value}`)
        .join(' ')}); median of ${COLD_RUNS} alternating runs`,
  );
  const handlers = [FEATURES_ON_BUNDLE, FEATURES_OFF_BUNDLE];
  const runs = await coldRuns(handlers, environment);
  const coldMs = (handler: Handler) => median(runs.get(handler)!.map((run) => run.coldMs));
  const paired = pairedRatio(runs, FEATURES_ON_BUNDLE, FEATURES_OFF_BUNDLE);
  printTable(
    ['handler', 'in child ms', 'spawn to exit ms', 'peak RSS MiB', 'in child vs off', 'paired'],
    handlers.map((handler) => [
      handler.name,
      formatMs(coldMs(handler)),
      formatMs(median(runs.get(handler)!.map((run) => run.spawnToExitMs))),
      (median(runs.get(handler)!.map((run) => run.maxRssKiB)) / 1024).toFixed(0),
      formatRatio(coldMs(handler), coldMs(FEATURES_OFF_BUNDLE)),
      handler === FEATURES_ON_BUNDLE ? `${paired.toFixed(2)}x` : '',
    ]),
  );
  console.log(
    `features on against off, paired: ${paired.toFixed(2)}x (target ${FEATURES_TARGET.toFixed(2)}x: ` +
      `${paired <= FEATURES_TARGET ? 'met' : 'not met'}); the features add ` +
      `${formatMs(coldMs(FEATURES_ON_BUNDLE) - coldMs(FEATURES_OFF_BUNDLE))} ms`,
  );
  printResponses(runs, describeRunners);
}

/**
 * The runtime change: the same production bundle's cold start on this process's Node (the
 * project's Node.js 24) and on the Node that runs npm (the shell's, such as the machine's
 * Node 20), alternated in one run. `BENCH_BASELINE_NODE` names another binary.
 */
export async function benchRuntimes(localAws: LocalAws): Promise<void> {
  const baselineNode = process.env.BENCH_BASELINE_NODE ?? process.env.npm_node_execpath;
  const baselineVersion =
    baselineNode === undefined
      ? undefined
      : execFileSync(baselineNode, ['--version'], { encoding: 'utf8' }).trim();
  if (baselineVersion === undefined || baselineVersion === process.version) {
    console.log(`\nRuntime: no other Node to compare with (${process.version} runs npm too); skipped`);
    return;
  }
  const environment = await childEnvironment(localAws);
  console.log(
    `\nRuntime: ${NEST_BUNDLE.name}, cold start on Node ${process.version} against Node ${baselineVersion}; ` +
      `median of ${COLD_RUNS} runs`,
  );
  const onBaseline: Handler = {
    name: `Node ${baselineVersion} (baseline)`,
    module: NEST_BUNDLE.module,
    node: baselineNode,
    // The AWS SDK warns on Node 20 (its releases from January 2027 need Node 22): a baseline
    // run is measured as it ran before the change, with that notice off.
    extraEnvironment: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  };
  const onProject: Handler = {
    name: `Node ${process.version}`,
    module: NEST_BUNDLE.module,
    baseline: onBaseline,
  };
  const runs = await coldRuns([onProject, onBaseline], environment);
  const coldMs = (handler: Handler) => runs.get(handler)!.map((run) => run.coldMs);
  printTable(
    ['Node', 'in child ms', 'spawn to exit ms', 'peak RSS MiB', 'paired vs baseline'],
    [onProject, onBaseline].map((handler) => [
      handler.name,
      formatMs(median(coldMs(handler))),
      formatMs(median(runs.get(handler)!.map((run) => run.spawnToExitMs))),
      (median(runs.get(handler)!.map((run) => run.maxRssKiB)) / 1024).toFixed(0),
      `${pairedRatio(runs, handler, onBaseline).toFixed(2)}x`,
    ]),
  );
  printResponses(runs);
}

/** `COLD_RUNS` cold starts of each handler, alternated so a drift in the machine's load touches all alike. */
async function coldRuns(
  handlers: Handler[],
  environment: NodeJS.ProcessEnv,
): Promise<Map<Handler, ChildRun[]>> {
  const runs = new Map<Handler, ChildRun[]>(handlers.map((handler) => [handler, []]));
  for (let run = 0; run < COLD_RUNS; run++) {
    for (const [handler, results] of runs) results.push(await runChild(handler, 1, environment));
  }
  return runs;
}

/** The median of each run's ratio to the baseline's run of the same round, so slow moments cancel out. */
function pairedRatio(runs: Map<Handler, ChildRun[]>, handler: Handler, baseline: Handler): number {
  const baselineMs = runs.get(baseline)!.map((run) => run.coldMs);
  return median(runs.get(handler)!.map((run, round) => run.coldMs / baselineMs[round]));
}

async function benchColdStart(environment: NodeJS.ProcessEnv): Promise<void> {
  console.log(
    `\nCold start: fresh process, load the handler, first GET /status ` +
      `(${READY_PRESETS.length} ready presets); median of ${COLD_RUNS} runs`,
  );
  const runs = await coldRuns(HANDLERS, environment);
  const inChild = (handler: Handler) => median(runs.get(handler)!.map((run) => run.coldMs));
  const spawnToExit = (handler: Handler) => median(runs.get(handler)!.map((run) => run.spawnToExitMs));
  printTable(
    [
      'handler',
      'in child ms',
      'spawn to exit ms',
      'file KiB',
      'peak RSS MiB',
      'in child vs baseline',
      'paired',
    ],
    HANDLERS.map((handler) => [
      handler.name,
      formatMs(inChild(handler)),
      formatMs(spawnToExit(handler)),
      (statSync(handler.module).size / 1024).toFixed(0),
      (median(runs.get(handler)!.map((run) => run.maxRssKiB)) / 1024).toFixed(0),
      handler.baseline
        ? `${formatRatio(inChild(handler), inChild(handler.baseline))} (${handler.baseline.name})`
        : '',
      handler.baseline ? `${pairedRatio(runs, handler, handler.baseline).toFixed(2)}x` : '',
    ]),
  );
  console.log(
    `production bundle against the unbundled plain handler: ${formatRatio(inChild(NEST_BUNDLE), inChild(PLAIN))}`,
  );
  console.log("paired: the median of each run's ratio to the baseline run of the same round");
  printResponses(runs);
}

async function benchWarm(environment: NodeJS.ProcessEnv): Promise<void> {
  console.log(`\nWarm: ${WARM_INVOCATIONS} sequential invocations in one process per handler`);
  const runs = new Map<Handler, ChildRun[]>();
  // The first invocation of each child is its cold start, left out of the warm figures.
  for (const handler of HANDLERS)
    runs.set(handler, [await runChild(handler, 1 + WARM_INVOCATIONS, environment)]);
  const warm = (handler: Handler) => runs.get(handler)![0].warmMs;
  printTable(
    ['handler', 'median ms', 'p95 ms', 'median vs baseline', 'p95 vs baseline'],
    HANDLERS.map((handler) => [
      handler.name,
      formatMs(median(warm(handler))),
      formatMs(percentile(warm(handler), 95)),
      handler.baseline ? formatRatio(median(warm(handler)), median(warm(handler.baseline))) : '',
      handler.baseline
        ? formatRatio(percentile(warm(handler), 95), percentile(warm(handler.baseline), 95))
        : '',
    ]),
  );
  printResponses(runs);
}

/**
 * The plain handler as CommonJS, like dist/, and bundled as the production bundles are
 * (scripts/lambda-bundling.mjs: its esbuild options for the plain handler, all of its
 * steps for the minimal Nest application), for like-for-like baselines.
 */
async function buildBaselines(): Promise<void> {
  const bundling = pathToFileURL(path.join(PROJECT_ROOT, 'scripts/lambda-bundling.mjs')).href;
  const { LAMBDA_BUILD_OPTIONS, bundleLambda } = (await import(bundling)) as {
    LAMBDA_BUILD_OPTIONS: BuildOptions;
    bundleLambda: (lambda: { entry: string; outfile: string }) => Promise<unknown>;
  };
  await build({ entryPoints: [PLAIN_SOURCE], outfile: PLAIN.module, format: 'cjs', logLevel: 'warning' });
  await build({ ...LAMBDA_BUILD_OPTIONS, entryPoints: [PLAIN_SOURCE], outfile: PLAIN_BUNDLE.module });
  await bundleLambda({
    entry: path.join(PROJECT_ROOT, 'bench/minimal-nest-handler.mjs'),
    outfile: MINIMAL_NEST_BUNDLE.module,
  });
}

/**
 * A state table with only ready presets: GET /status answers without reconciling; and
 * `jobRecords` job records created over the last 23 hours, in JOB_MIX, for the runner counts
 * to read (none unless said). The GitHub check is off, so every handler does the same work
 * as the plain one (github-check.bench.ts measures the check).
 */
async function childEnvironment(localAws: LocalAws, jobRecords = 0): Promise<NodeJS.ProcessEnv> {
  const tableName = await localAws.dynamoDb.createStateTable();
  const now = Date.now();
  const updatedAt = new Date(now - 3_600_000).toISOString();
  await Promise.all(
    READY_PRESETS.map((preset, index) =>
      localAws.putReadyPreset(tableName, preset, `ami-${String(index + 1).padStart(17, '0')}`, updatedAt),
    ),
  );
  const items: Record<string, unknown>[] = [];
  for (const [status, share] of JOB_MIX) {
    for (let i = 0; i < Math.round(share * jobRecords); i++) {
      const jobId = items.length + 1;
      // Spread over the last 23 hours, so every outcome is in the last 24 hours.
      const createdAt = new Date(now - ((jobId * 7919) % (23 * 3_600_000))).toISOString();
      items.push(jobRecord(jobId, status, createdAt));
    }
  }
  await localAws.dynamoDb.putAll(tableName, items);
  return localAws.lambdaEnvironment(tableName, { githubApp: false });
}

/** Invokes `handler` `invocations` times in a fresh process; a broken response shows in the output. */
async function runChild(
  handler: Handler,
  invocations: number,
  environment: NodeJS.ProcessEnv,
): Promise<ChildRun> {
  const event = httpApiEvent(
    '/status',
    handler.accept === undefined ? undefined : { accept: handler.accept },
  );
  const run = await invokeInColdProcess(
    handler.module,
    event,
    invocations,
    { ...environment, ...handler.extraEnvironment },
    { node: handler.node },
  );
  return { ...run, responses: run.results.map(describeResponse) };
}

/** "200 with 3 presets", or "200 page with 3 presets". */
function describeResponse(response: APIGatewayProxyResult): string {
  if (String(response.headers?.['content-type']).startsWith('text/html')) {
    const rows = response.body.match(/<th scope="row" role="rowheader">/g)?.length ?? '?';
    return `${response.statusCode} page with ${rows} presets`;
  }
  let presets = '?';
  try {
    presets = String((JSON.parse(response.body) as { presets: unknown[] }).presets.length);
  } catch {
    // left as '?'
  }
  return `${response.statusCode} with ${presets} presets`;
}

/** "200 with 3 presets, 1000 jobs counted", or "200 with 3 presets, runners null". */
function describeRunners(response: APIGatewayProxyResult): string {
  try {
    const { presets, runners, recentActivity } = JSON.parse(response.body) as {
      presets: unknown[];
      runners: Record<string, number> | null;
      recentActivity: { last24Hours: Record<string, number> } | null;
    };
    if (runners === null || recentActivity === null) {
      return `${response.statusCode} with ${presets.length} presets, runners null`;
    }
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((total, n) => total + n, 0);
    return `${response.statusCode} with ${presets.length} presets, ${sum(runners) + sum(recentActivity.last24Hours)} jobs counted`;
  } catch {
    return `${response.statusCode}, unreadable`;
  }
}

/** What every invocation answered, so a broken handler cannot pass for a fast one. */
function printResponses(
  runs: Map<Handler, ChildRun[]>,
  describe?: (response: APIGatewayProxyResult) => string,
): void {
  const summary = [...runs].map(
    ([handler, results]) =>
      `${handler.name}: ${formatTally(
        results.flatMap((run) => (describe === undefined ? run.responses : run.results.map(describe))),
      )}`,
  );
  console.log(`responses: ${summary.join('; ')}`);
}
