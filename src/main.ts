import 'reflect-metadata';
import { localServerPort } from './config/app-config';
import { createApp } from './bootstrap';
import { AppLogger } from './logging/app-logger';

/** `nest start`: the same application as the Lambda, on a local port. */
async function serve(): Promise<void> {
  const port = localServerPort();
  const app = await createApp();
  app.enableShutdownHooks();
  await app.listen(port);
  app.get(AppLogger).info(`Status service listening on http://localhost:${port}/status`, { port });
}

void serve();
