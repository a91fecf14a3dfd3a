import 'reflect-metadata';
import os from 'node:os';
import { LocalAws } from '../local/local-aws';
import { benchGitHubCheck } from './github-check.bench';
import { benchLambdaHandlers, benchRuntimes } from './lambda-handler.bench';
import { benchReconciliation } from './reconciliation.bench';
import { benchRunnerActivity } from './runner-activity.bench';

const BENCHES: Record<string, (localAws: LocalAws) => Promise<void>> = {
  reconciliation: benchReconciliation,
  lambda: benchLambdaHandlers,
  runtime: benchRuntimes,
  github: benchGitHubCheck,
  runners: benchRunnerActivity,
};

/**
 * `npm run bench`: prints figures, each against a baseline taken in the same run; asserts
 * nothing. Everything runs against the local AWS (dynalite, the fake SSM, Image Builder and
 * Secrets Manager) and the fake GitHub. `npm run bench -- lambda github` runs those alone.
 */
async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) {
    throw new Error(`Unknown bench ${unknown.join(', ')}: choose from ${Object.keys(BENCHES).join(', ')}`);
  }
  printMachine();
  // The service under test reads its configuration from this process's environment.
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  // The service's own cost: DynamoDB without the fault proxy's extra hop.
  const localAws = await LocalAws.start({ dynamoDbFaultProxy: false });
  try {
    Object.assign(process.env, localAws.environment());
    for (const [name, bench] of Object.entries(BENCHES)) {
      if (names.length === 0 || names.includes(name)) await bench(localAws);
    }
  } finally {
    await localAws.stop();
  }
}

function printMachine(): void {
  const cpus = os.cpus();
  const memoryGiB = os.totalmem() / 1024 ** 3;
  console.log('Status service benchmarks');
  console.log(
    `machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${memoryGiB.toFixed(1)} GiB, ` +
      `Node ${process.version}, ${new Date().toISOString()}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
