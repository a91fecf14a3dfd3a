import path from 'node:path';
import { httpApiEvent } from '../local/lambda/api-gateway-events';
import { ColdProcessRun, invokeInColdProcess } from '../local/lambda/cold-process';
import type { LocalAws } from '../local/local-aws';
import { formatMs, formatRatio, formatTally, median } from './stats';
import { printTable } from './table';

const PROJECT_ROOT = path.resolve(__dirname, '../../..');
const STATUS_BUNDLE = path.join(PROJECT_ROOT, 'dist/lambda/status/index.js');
const COLD_RUNS = 15;
const WARM_INVOCATIONS = 300;
const GITHUB_LATENCY_MS = 100;

/** The two configurations compared: the same bundle and table, the GitHub check on or off. */
const MODES = ['check off', 'check on'] as const;
type Mode = (typeof MODES)[number];

/**
 * The GitHub App check on the production bundle: a cold first GET /status with the check on
 * (the fake GitHub answering 100 ms late) against the same with it off, and warm requests,
 * which the per-container cache answers without calling GitHub.
 */
export async function benchGitHubCheck(localAws: LocalAws): Promise<void> {
  const environments = await environmentsByMode(localAws);
  localAws.github.setLatency(GITHUB_LATENCY_MS);
  console.log(
    `\nGitHub App check (production bundle, ${GITHUB_LATENCY_MS} ms on every GitHub answer): ` +
      `cold first GET /status, median of ${COLD_RUNS} runs, then ${WARM_INVOCATIONS} warm invocations`,
  );

  const cold = new Map<Mode, ColdProcessRun[]>(MODES.map((mode) => [mode, []]));
  const githubCallsBefore = localAws.github.calls.length;
  for (let run = 0; run < COLD_RUNS; run++) {
    for (const mode of MODES) cold.get(mode)!.push(await invoke(environments[mode], 1));
  }
  const coldGitHubCalls = localAws.github.calls.length - githubCallsBefore;

  const warm = new Map<Mode, ColdProcessRun>();
  const warmCalls = new Map<Mode, number>();
  for (const mode of MODES) {
    const before = localAws.github.calls.length;
    warm.set(mode, await invoke(environments[mode], 1 + WARM_INVOCATIONS));
    warmCalls.set(mode, localAws.github.calls.length - before);
  }
  localAws.github.setLatency(0);

  const coldMs = (mode: Mode) => cold.get(mode)!.map((run) => run.coldMs);
  const paired = median(coldMs('check on').map((ms, run) => ms / coldMs('check off')[run]));
  printTable(
    ['mode', 'cold ms', 'vs check off', 'paired', 'warm median ms', 'GitHub calls in the warm process'],
    MODES.map((mode) => [
      mode,
      formatMs(median(coldMs(mode))),
      formatRatio(median(coldMs(mode)), median(coldMs('check off'))),
      mode === 'check on' ? `${paired.toFixed(2)}x` : '',
      formatMs(median(warm.get(mode)!.warmMs)),
      `${warmCalls.get(mode)} for ${1 + WARM_INVOCATIONS} invocations`,
    ]),
  );
  console.log(
    `cold, check on minus check off: ${formatMs(median(coldMs('check on')) - median(coldMs('check off')))} ms ` +
      `against ${GITHUB_LATENCY_MS} ms of GitHub latency; GitHub calls in the cold runs: ${coldGitHubCalls}`,
  );
  const answers = [...cold.values(), [...warm.values()]].flat().flatMap((run) => run.results.map(describe));
  console.log(`responses: ${formatTally(answers)}`);
}

async function environmentsByMode(localAws: LocalAws): Promise<Record<Mode, NodeJS.ProcessEnv>> {
  const tableName = await localAws.dynamoDb.createStateTable();
  const updatedAt = new Date(Date.now() - 3_600_000).toISOString();
  await localAws.putReadyPreset(tableName, 'linux-x64', 'ami-0a1b2c3d4e5f60001', updatedAt);
  return {
    'check on': localAws.lambdaEnvironment(tableName),
    'check off': localAws.lambdaEnvironment(tableName, { githubApp: false }),
  };
}

function invoke(environment: NodeJS.ProcessEnv, invocations: number): Promise<ColdProcessRun> {
  return invokeInColdProcess(STATUS_BUNDLE, httpApiEvent(), invocations, environment);
}

/** "200 ready, github connected", so a broken check cannot pass for a fast one. */
function describe(result: { statusCode: number; body: string }): string {
  try {
    const body = JSON.parse(result.body) as { status: string; github: { status: string } };
    return `${result.statusCode} ${body.status}, github ${body.github.status}`;
  } catch {
    return `${result.statusCode} unreadable`;
  }
}
