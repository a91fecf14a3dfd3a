import 'reflect-metadata';
import { LogFormat, localServerConfig, localStatusUrl } from '../src/config/app-config';
import { createLocalApp, exitOnStartupError } from '../src/local-server';
import { AppLogger } from '../src/logging/app-logger';
import { DEMO_SUMMARY, seedDemo } from './demo';
import { LocalAws } from './local-aws';

/**
 * `npm start`: the status service against an embedded local AWS seeded with a demo, so it
 * runs with no AWS account, and a fake GitHub Enterprise Server whose App key (generated at
 * start) is in the local secret. The service reaches them only through AWS_ENDPOINT_URL_*
 * and GITHUB_SERVER_URL.
 */
async function startWithLocalAws(): Promise<void> {
  const { host, port, logFormat } = localServerConfig();
  const localAws = await LocalAws.start();
  await seedDemo(localAws, new Date());
  Object.assign(process.env, localAws.environment());

  const app = await createLocalApp(logFormat);
  await app.listen(port, host);
  const logger = app.get(AppLogger);
  announce(logFormat, localStatusUrl(host, port), localAws, logger);

  // Ctrl-C reaches npm and this process both, and npm forwards it: stop once, whatever comes.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('Stopping the service and the local AWS', { signal });
    await app.close();
    await localAws.stop();
    process.exit(0);
  };
  process.on('SIGINT', (signal) => void stop(signal));
  process.on('SIGTERM', (signal) => void stop(signal));
}

/**
 * Where the service is, what the demo holds and how to stop: a banner for a person, or with
 * LOG_FORMAT=json the JSON line (and the one plain line) that `npm start` has always printed.
 */
function announce(logFormat: LogFormat, url: string, localAws: LocalAws, logger: AppLogger): void {
  const serving = `Status service on local AWS: curl ${url} (or open it in a browser)`;
  if (logFormat === 'json') {
    logger.info('Local AWS started and seeded with a demo (linux-x64, linux-arm64, windows-x64)', {
      dynamodb: localAws.dynamoDbEndpoint,
      ssmImageBuilderAndSecretsManager: localAws.fakeEndpoint,
      githubServer: localAws.github.serverUrl,
      githubApp: localAws.github.app.slug,
    });
    process.stdout.write(`\n${serving}\n\n`);
    return;
  }
  const banner = [
    serving,
    '',
    'Demo seeded in the local AWS:',
    ...DEMO_SUMMARY.map((line) => `  ${line}`),
    `  GitHub       App ${localAws.github.app.slug} on a fake GitHub Enterprise Server, ${localAws.github.serverUrl}`,
    `  local AWS    DynamoDB ${localAws.dynamoDbEndpoint}; SSM, Image Builder, Secrets Manager ${localAws.fakeEndpoint}`,
    '',
    `Node.js ${process.version}. Ctrl-C stops the service and the local AWS. LOG_FORMAT=json prints the Lambda’s JSON logs and metrics.`,
  ];
  process.stdout.write(`\n${banner.join('\n')}\n\n`);
}

startWithLocalAws().catch(exitOnStartupError);
