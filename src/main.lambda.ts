import 'reflect-metadata';
import serverlessExpress from '@codegenie/serverless-express';
import type { Context, Handler } from 'aws-lambda';
import { createApp } from './bootstrap';
import { AppLogger, describeError } from './logging/app-logger';

interface ServerlessHandler {
  serve: ReturnType<typeof serverlessExpress>;
  logger: AppLogger;
}

/** Built on the first invocation and kept for the life of the container. */
let serverlessHandler: Promise<ServerlessHandler> | undefined;

async function bootstrap(context: Context): Promise<ServerlessHandler> {
  // The start-up lines belong to the first invocation too.
  const startupLogger = new AppLogger();
  startupLogger.setInvocation(context);
  const app = await createApp(startupLogger);
  app.get(AppLogger).setInvocation(context);
  await app.init();
  return {
    serve: serverlessExpress({ app: app.getHttpAdapter().getInstance(), log: app.get(AppLogger) }),
    logger: app.get(AppLogger),
  };
}

/** What a request gets while the application cannot start: the reason is in the log only. */
const NOT_STARTED = {
  statusCode: 500,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: JSON.stringify({ status: 'error', message: 'Internal error' }),
};

/** API Gateway REST (v1) and HTTP API (v2) events; serverless-express tells them apart. */
export const handler: Handler = async (event: unknown, context: Context) => {
  serverlessHandler ??= bootstrap(context).catch((error: unknown) => {
    serverlessHandler = undefined; // let the next invocation try again, and log again
    throw error;
  });
  let started: ServerlessHandler;
  try {
    started = await serverlessHandler;
  } catch (error) {
    const logger = new AppLogger();
    logger.setInvocation(context);
    logger.error('The status service could not start; answering 500', {
      outcome: 'startup-failed',
      error: describeError(error),
    });
    return NOT_STARTED;
  }
  // Every line of this invocation carries its request id.
  started.logger.setInvocation(context);
  return started.serve(event, context, () => undefined);
};
