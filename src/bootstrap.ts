import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { AppLogger } from './logging/app-logger';

/** The HTTP application (Lambda and the local server), logging JSON from its first line on. */
export async function createApp(): Promise<NestExpressApplication> {
  // GET /status reads no request body: no body parsers.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, new ExpressAdapter(), {
    logger: new AppLogger(),
    bodyParser: false,
    // A bad configuration value throws (and is answered per invocation), never exits the process.
    abortOnError: false,
  });
  app.disable('x-powered-by');
  return app;
}
