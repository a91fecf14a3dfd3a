import 'reflect-metadata';
import { localServerConfig, localStatusUrl } from './config/app-config';
import { createLocalApp, exitOnStartupError } from './local-server';
import { AppLogger } from './logging/app-logger';

/**
 * `npm run start:aws`: the same application as the Lambda, on a local port, against real AWS;
 * readable logs unless LOG_FORMAT=json.
 */
async function serve(): Promise<void> {
  const { host, port, logFormat } = localServerConfig();
  const app = await createLocalApp(logFormat);
  app.enableShutdownHooks();
  await app.listen(port, host);
  app.get(AppLogger).info(`Status service listening on ${localStatusUrl(host, port)}`, { host, port });
}

serve().catch(exitOnStartupError);
