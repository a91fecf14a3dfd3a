import 'reflect-metadata';
import { AppConfig, appConfig } from './config/app-config';
import { createApp } from './bootstrap';
import { AppLogger } from './logging/app-logger';

/** `nest start`: the same application as the Lambda, on a local port. */
async function serve(): Promise<void> {
  const app = await createApp();
  app.enableShutdownHooks();
  const { port } = app.get<AppConfig>(appConfig.KEY);
  await app.listen(port);
  app.get(AppLogger).info(`Status service listening on http://localhost:${port}/status`, { port });
}

void serve();
