import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { AppLogger } from './logging/app-logger';

/** The Nest application both entry points serve, logging JSON from its first line on. */
export async function createApp(): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: new AppLogger() });
  app.disable('x-powered-by');
  return app;
}
