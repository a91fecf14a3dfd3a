import 'reflect-metadata';
import { createApp } from '../src/bootstrap';
import { localServerHost, localServerPort, localStatusUrl } from '../src/config/app-config';
import { AppLogger } from '../src/logging/app-logger';
import { seedDemo } from './demo';
import { LocalAws } from './local-aws';

/**
 * `npm start`: the status service against an embedded local AWS seeded with a demo, so it
 * runs with no AWS account, and a fake GitHub Enterprise Server whose App key (generated at
 * start) is in the local secret. The service reaches them only through AWS_ENDPOINT_URL_*
 * and GITHUB_SERVER_URL.
 */
async function startWithLocalAws(): Promise<void> {
  const localAws = await LocalAws.start();
  await seedDemo(localAws, new Date());
  Object.assign(process.env, localAws.environment());

  const app = await createApp();
  const port = localServerPort();
  const host = localServerHost();
  await app.listen(port, host);
  const logger = app.get(AppLogger);
  logger.info('Local AWS started and seeded with a demo (linux-x64, linux-arm64, windows-x64)', {
    dynamodb: localAws.dynamoDbEndpoint,
    ssmImageBuilderAndSecretsManager: localAws.fakeEndpoint,
    githubServer: localAws.github.serverUrl,
    githubApp: localAws.github.app.slug,
  });
  process.stdout.write(
    `\nStatus service on local AWS: curl ${localStatusUrl(host, port)} (or open it in a browser)\n\n`,
  );

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

void startWithLocalAws();
