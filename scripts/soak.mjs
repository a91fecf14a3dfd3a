// npm run soak: the interleaving property over 10 000 schedules (SOAK_RUNS), split over
// SOAK_WORKERS jest processes with consecutive seeds from SOAK_SEED (random unless given).
// Each worker prints its seed; a failing worker prints the seed, the path and the shrunk
// schedule, and the soak exits non-zero.
import { spawn } from 'node:child_process';

const runs = Number(process.env.SOAK_RUNS ?? 10_000);
const workers = Number(process.env.SOAK_WORKERS ?? 4);
const seed = Number(process.env.SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));
const startedMs = Date.now();

function worker(index) {
  const share = Math.floor(runs / workers) + (index < runs % workers ? 1 : 0);
  const env = { ...process.env, INTERLEAVING_RUNS: String(share), INTERLEAVING_SEED: String(seed + index) };
  const args = [
    '--config',
    'test/jest-e2e.config.js',
    'test/interleaving/interleaving',
    '-t',
    'holds the invariants',
  ];
  return new Promise((resolve) => {
    const child = spawn('npx', ['jest', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ index, share, seed: seed + index, code, output }));
  });
}

const results = await Promise.all(Array.from({ length: workers }, (_, index) => worker(index)));
const failed = results.filter((result) => result.code !== 0);
for (const result of results) {
  const summary = result.output.match(/interleaving: .*/)?.[0] ?? 'no summary';
  console.log(
    `worker ${result.index}: ${result.share} schedules, seed ${result.seed}: ${result.code === 0 ? summary : 'FAILED'}`,
  );
}
for (const result of failed)
  console.log(`\n--- worker ${result.index} (seed ${result.seed}) ---\n${result.output}`);
const minutes = ((Date.now() - startedMs) / 60_000).toFixed(1);
console.log(
  `soak: ${runs} schedules in ${workers} workers from seed ${seed}, ${failed.length} failing worker(s), ${minutes} min`,
);
process.exit(failed.length === 0 ? 0 : 1);
