import 'reflect-metadata';
import { localServerHost, localServerPort, localStatusUrl } from './config/app-config';
import { createApp } from './bootstrap';
import { AppLogger } from './logging/app-logger';

/** `npm run start:aws`: the same application as the Lambda, on a local port, against real AWS. */
async function serve(): Promise<void> {
  const port = localServerPort();
  const host = localServerHost();
  const app = await createApp();
  app.enableShutdownHooks();
  await app.listen(port, host);
  app.get(AppLogger).info(`Status service listening on ${localStatusUrl(host, port)}`, { host, port });
}

void serve();
