import { NestFactory } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import type { LogFormat } from './config/app-config';
import { AppLogger } from './logging/app-logger';
import { LogFormatModule } from './logging/logging.module';

/**
 * The HTTP application (Lambda and the local server), logging from its first line on:
 * through `startupLogger` while it starts, then through its own AppLogger, in `logFormat`.
 */
export async function createApp(
  startupLogger = new AppLogger(),
  logFormat: LogFormat = 'json',
): Promise<NestExpressApplication> {
  // JSON is AppLogger's own default: the Lambda's application, module for module.
  const root =
    logFormat === 'json' ? AppModule : { module: AppModule, imports: [LogFormatModule.of(logFormat)] };
  // GET /status reads no request body: no body parsers.
  const app = await NestFactory.create<NestExpressApplication>(root, new ExpressAdapter(), {
    logger: startupLogger,
    bodyParser: false,
    // A bad configuration value throws (and is answered per invocation), never exits the process.
    abortOnError: false,
  });
  configureHttp(app);
  app.useLogger(app.get(AppLogger));
  return app;
}

/**
 * What every HTTP application of the service answers with, the e2e tests' too: no
 * `X-Powered-By`, no ETag, never a 304, and `nosniff` on every answer.
 */
export function configureHttp(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  // Every answer is computed now and `no-store`: no ETag, and never a 304.
  app.set('etag', false);
  app.use(unconditionalAndNoSniff);
}

/**
 * Ahead of every route, the 404 and the 503 included: the request's validators are dropped,
 * so Express never answers 304 (`If-None-Match: *` would be "fresh" even without an ETag),
 * and the browser is told not to sniff another type than the one sent.
 */
function unconditionalAndNoSniff(request: IncomingMessage, response: ServerResponse, next: () => void): void {
  delete request.headers['if-none-match'];
  delete request.headers['if-modified-since'];
  response.setHeader('X-Content-Type-Options', 'nosniff');
  next();
}
