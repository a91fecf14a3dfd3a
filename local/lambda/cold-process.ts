import type { APIGatewayProxyResult } from 'aws-lambda';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface ColdProcessRun {
  /** From the child's first line to its first response. */
  coldMs: number;
  /** Each invocation after the first. */
  warmMs: number[];
  results: APIGatewayProxyResult[];
  /** The child's peak resident memory. */
  maxRssKiB: number;
  /**
   * When each invocation started and ended, in epoch ms (`Date.now()` in the child): a call
   * some server received (by its own `Date.now()`) between the two belongs to that invocation.
   */
  windows: InvocationWindow[];
  /** From spawning the child to its exit, Node's own start-up included. */
  spawnToExitMs: number;
  /** What the handler wrote on stdout (metric lines, info and debug logs), line by line. */
  stdoutLines: string[];
  /** What it wrote on stderr (Powertools writes warnings and errors there), line by line. */
  stderrLines: string[];
}

export interface InvocationWindow {
  startedAt: number;
  endedAt: number;
}

const MARKER = 'INVOCATIONS ';
/**
 * How Node prints a process warning on stderr: `(node:123) [DEP0040] DeprecationWarning: …`,
 * `(node:123) NodeVersionSupportWarning: …` (the AWS SDK's), `(node:123) Warning: …`.
 */
const RUNTIME_WARNING = /^\(node:\d+\) (\[\w+\] )?\w*Warning: /;
/** Plain JavaScript, run from the source tree whether this file runs from source or from build/. */
const INVOKER = path.join(projectRoot(__dirname), 'local/lambda/invoke-handler.js');

/**
 * Invokes a Lambda handler module `count` times with `event` in a fresh Node process (a
 * cold container) whose environment is exactly `environment`, on this process's Node unless
 * `node` names another binary, idle `pauseMs` between two invocations (to let a TTL pass);
 * rejects if the child fails or prints a runtime warning.
 */
export async function invokeInColdProcess(
  handlerModule: string,
  event: unknown,
  count: number,
  environment: NodeJS.ProcessEnv,
  {
    remainingMs = 25_000,
    node = process.execPath,
    pauseMs = 0,
  }: { remainingMs?: number; node?: string; pauseMs?: number } = {},
): Promise<ColdProcessRun> {
  const spawnedAt = performance.now();
  const child = spawn(
    node,
    [INVOKER, handlerModule, JSON.stringify(event), String(count), String(remainingMs), String(pauseMs)],
    { env: environment, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exitedAt = once(child, 'exit').then(() => performance.now());
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [exitCode] = (await once(child, 'close')) as [number | null];
  const spawnToExitMs = (await exitedAt) - spawnedAt;
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(MARKER));
  if (exitCode !== 0 || line === undefined) {
    throw new Error(`${handlerModule} failed in a cold process (exit code ${exitCode}):\n${stderr}${stdout}`);
  }
  // The runtime the bundles ship for must not warn about itself or about the code on it.
  const warnings = stderr.split('\n').filter((candidate) => RUNTIME_WARNING.test(candidate));
  if (warnings.length > 0) {
    throw new Error(`${handlerModule} printed a runtime warning in a cold process:\n${warnings.join('\n')}`);
  }
  return {
    ...(JSON.parse(line.slice(MARKER.length)) as Omit<
      ColdProcessRun,
      'spawnToExitMs' | 'stdoutLines' | 'stderrLines'
    >),
    spawnToExitMs,
    stdoutLines: stdout.split('\n').filter((candidate) => candidate !== '' && candidate !== line),
    stderrLines: stderr.split('\n').filter((candidate) => candidate !== ''),
  };
}

function projectRoot(from: string): string {
  let directory = from;
  while (!existsSync(path.join(directory, 'package.json'))) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error(`No package.json above ${from}`);
    directory = parent;
  }
  return directory;
}
