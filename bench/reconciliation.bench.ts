import { NestFactory } from '@nestjs/core';
import type { LocalAws } from '../local/local-aws';
import { amiRecord } from '../local/local-dynamodb';
import { AppModule } from '../src/app.module';
import { AppConfig, appConfig } from '../src/config/app-config';
import type { ReportedReconciliation } from '../src/reconciliation/preset-reconciliation';
import { requestDeadline } from '../src/common/request-deadline';
import { ReconciliationService } from '../src/reconciliation/reconciliation.service';
import { PENDING_RUNNER_CONFIG } from '../src/testing/runner-config.fixture';
import { formatMs, formatRatio, formatTally } from './stats';
import { printTable } from './table';

/** Added to every Image Builder and SSM call; DynamoDB (dynalite) gets none. */
const CALL_LATENCY_MS = 50;
/**
 * The calls one preset needs, each waiting for the one before: ListImagePipelines →
 * ListImagePipelineImages → GetImage → (DynamoDB update) → SSM GetParameter → SSM PutParameter.
 */
const CRITICAL_PATH_MS = 5 * CALL_LATENCY_MS;
const STALE_PRESET_COUNTS = [1, 5, 20, 50];
const SEQUENTIAL_CONCURRENCY = 1;
/** Generous: the benchmark measures the work, not the budget cutting it short. */
const RECONCILIATION_BUDGET_MS = 60_000;
const TARGET = { staleCount: 20, maxRatioToCriticalPath: 2 };
const CONFIG_PREFIX = '/spot-runner/configs';
const HEALED = 'corrected to ready, SSM updated';

interface ReconciliationRun {
  wallMs: number;
  concurrency: number;
  imageBuilderCalls: number;
  /** One description per stale preset; HEALED when it was healed to ready and its SSM config updated. */
  outcomes: string[];
}

/** (a) Wall time of one reconcile() over K stale presets, against the critical path and a sequential run. */
export async function benchReconciliation(localAws: LocalAws): Promise<void> {
  console.log(
    `\nReconciliation: K stale presets, ${CALL_LATENCY_MS} ms on every Image Builder and SSM call, ` +
      `critical path ${CRITICAL_PATH_MS} ms`,
  );
  localAws.fake.setLatency('*', CALL_LATENCY_MS);
  try {
    // Loads what the SDK and Nest require lazily, so the first measured run does not pay for it.
    await measureReconciliation(localAws, 1);
    const rows: { staleCount: number; concurrent: ReconciliationRun; sequential: ReconciliationRun }[] = [];
    for (const staleCount of STALE_PRESET_COUNTS) {
      const concurrent = await measureReconciliation(localAws, staleCount);
      const sequential = await measureReconciliation(localAws, staleCount, SEQUENTIAL_CONCURRENCY);
      rows.push({ staleCount, concurrent, sequential });
    }
    console.log(
      `concurrency ${rows[0].concurrent.concurrency} (RECONCILIATION_CONCURRENCY default); ` +
        `sequential baseline: the same service with RECONCILIATION_CONCURRENCY=${SEQUENTIAL_CONCURRENCY}`,
    );
    printTable(
      [
        'K',
        'wall ms',
        'critical ms',
        'wall/critical',
        'sequential ms',
        'speedup vs seq',
        'IB calls/preset',
        'healed',
      ],
      rows.map(({ staleCount, concurrent, sequential }) => [
        String(staleCount),
        formatMs(concurrent.wallMs),
        formatMs(CRITICAL_PATH_MS),
        formatRatio(concurrent.wallMs, CRITICAL_PATH_MS),
        formatMs(sequential.wallMs),
        formatRatio(sequential.wallMs, concurrent.wallMs),
        (concurrent.imageBuilderCalls / staleCount).toFixed(2),
        `${healedCount(concurrent)}/${staleCount} (seq ${healedCount(sequential)}/${staleCount})`,
      ]),
    );
    for (const { staleCount, concurrent, sequential } of rows) {
      printUnhealed(`K=${staleCount}`, concurrent);
      printUnhealed(`K=${staleCount} sequential`, sequential);
    }
    const target = rows.find((row) => row.staleCount === TARGET.staleCount);
    if (target) printTargets(target.staleCount, target.concurrent);
  } finally {
    localAws.fake.setLatency('*', 0);
  }
}

/** Seeds K stale presets in a fresh table and reconciles them once on a fresh application context. */
async function measureReconciliation(
  localAws: LocalAws,
  staleCount: number,
  concurrency?: number,
): Promise<ReconciliationRun> {
  const tableName = await seedStalePresets(localAws, staleCount);
  return withEnvironment(
    { STATE_TABLE_NAME: tableName, RECONCILIATION_CONCURRENCY: concurrency?.toString() },
    () => reconcileOnFreshContext(localAws),
  );
}

/** A new context has an empty reconciliation cache, so every stale preset goes to Image Builder. */
async function reconcileOnFreshContext(localAws: LocalAws): Promise<ReconciliationRun> {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  try {
    const service = app.get(ReconciliationService);
    const { reconciliationConcurrency } = app.get<AppConfig>(appConfig.KEY);
    const callsBefore = localAws.fake.calls.length;
    const started = performance.now();
    const { reconciliations } = await service.reconcile(requestDeadline(RECONCILIATION_BUDGET_MS));
    const wallMs = performance.now() - started;
    const calls = localAws.fake.calls.slice(callsBefore);
    return {
      wallMs,
      concurrency: reconciliationConcurrency,
      imageBuilderCalls: calls.filter((call) => call.service === 'imagebuilder').length,
      outcomes: reconciliations.map(describeOutcome),
    };
  } finally {
    await app.close();
  }
}

let presetSerial = 0;

/** A fresh state table holding `count` presets, each stuck in `building` while its image is AVAILABLE. */
async function seedStalePresets(localAws: LocalAws, count: number): Promise<string> {
  const tableName = await localAws.dynamoDb.createStateTable();
  const now = Date.now();
  // Unique names: the fake's pipelines and parameters outlive each run's table.
  const serials = Array.from({ length: count }, () => ++presetSerial);
  await Promise.all(serials.map((serial) => seedStalePreset(localAws, tableName, serial, now)));
  return tableName;
}

async function seedStalePreset(localAws: LocalAws, tableName: string, serial: number, now: number) {
  const { fake, region } = localAws;
  const preset = `bench-preset-${serial}`;
  const pipeline = `spot-runner-${preset}`;
  fake.imageBuilder.createPipeline(pipeline);
  fake.imageBuilder.addImage(pipeline, {
    status: 'AVAILABLE',
    dateCreated: minutesBefore(now, 100),
    amis: [{ region, image: `ami-${serial.toString(16).padStart(17, '0')}` }],
  });
  fake.ssm.setParameter(`${CONFIG_PREFIX}/${preset}`, JSON.stringify(PENDING_RUNNER_CONFIG));
  await localAws.dynamoDb.put(
    tableName,
    amiRecord(preset, { status: 'building', updatedAt: minutesBefore(now, 120) }),
  );
}

/** Sets (or, for undefined, unsets) variables around `action`, then puts the previous values back. */
async function withEnvironment<T>(
  variables: Record<string, string | undefined>,
  action: () => Promise<T>,
): Promise<T> {
  const previous = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  setEnvironment(variables);
  try {
    return await action();
  } finally {
    setEnvironment(previous);
  }
}

function setEnvironment(variables: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(variables)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

function describeOutcome(reconciliation: ReportedReconciliation): string {
  switch (reconciliation.kind) {
    case 'corrected':
      return reconciliation.to === 'ready' && reconciliation.ssmConfig === 'updated'
        ? HEALED
        : `corrected to ${reconciliation.to}, SSM ${reconciliation.ssmConfig ?? 'untouched'}`;
    case 'still-building':
      return 'still-building';
    case 'ssm-update-completed':
      return `pending SSM update completed (${reconciliation.ssmConfig})`;
    case 'ssm-drift-repaired':
      return `runner config drift repaired (${reconciliation.ssmConfig})`;
    case 'unresolved':
      return `unresolved (${reconciliation.reason})`;
  }
}

function healedCount(run: ReconciliationRun): number {
  return run.outcomes.filter((outcome) => outcome === HEALED).length;
}

/** A broken run must be visible: say what happened to every preset that was not healed. */
function printUnhealed(label: string, run: ReconciliationRun): void {
  const unhealed = run.outcomes.filter((outcome) => outcome !== HEALED);
  if (unhealed.length > 0) console.log(`  ${label}: not healed: ${formatTally(unhealed)}`);
}

function printTargets(staleCount: number, run: ReconciliationRun): void {
  const maxWallMs = TARGET.maxRatioToCriticalPath * CRITICAL_PATH_MS;
  // Two ListImagePipelines per 10 presets (healing's lookup and, beside it, the pipeline
  // check's), then ListImagePipelineImages and GetImage per preset.
  const maxCallsPerPreset = 2 + (2 * Math.ceil(staleCount / 10)) / staleCount;
  const callsPerPreset = run.imageBuilderCalls / staleCount;
  console.log(`Targets at K=${staleCount}:`);
  console.log(
    `  wall ${formatMs(run.wallMs)} ms <= ${TARGET.maxRatioToCriticalPath}x critical path ` +
      `(${formatMs(maxWallMs)} ms): ${run.wallMs <= maxWallMs ? 'met' : 'MISSED'}`,
  );
  console.log(
    `  Image Builder calls per preset ${callsPerPreset.toFixed(2)} <= ${maxCallsPerPreset.toFixed(2)}: ` +
      `${callsPerPreset <= maxCallsPerPreset ? 'met' : 'MISSED'}`,
  );
}

function minutesBefore(nowMs: number, minutes: number): string {
  return new Date(nowMs - minutes * 60_000).toISOString();
}
