import 'reflect-metadata';
import serverlessExpress from '@codegenie/serverless-express';
import type { Context, Handler } from 'aws-lambda';
import { createApp } from './bootstrap';
import { AppLogger, describeError } from './logging/app-logger';

type ServerlessHandler = ReturnType<typeof serverlessExpress>;

/** Built on the first invocation and kept for the life of the container. */
let serverlessHandler: Promise<ServerlessHandler> | undefined;

async function bootstrap(): Promise<ServerlessHandler> {
  const app = await createApp();
  await app.init();
  return serverlessExpress({ app: app.getHttpAdapter().getInstance(), log: app.get(AppLogger) });
}

/** What a request gets while the application cannot start: the reason is in the log only. */
const NOT_STARTED = {
  statusCode: 500,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: JSON.stringify({ status: 'error', message: 'Internal error' }),
};

/** API Gateway REST (v1) and HTTP API (v2) events; serverless-express tells them apart. */
export const handler: Handler = async (event: unknown, context: Context) => {
  serverlessHandler ??= bootstrap().catch((error: unknown) => {
    serverlessHandler = undefined; // let the next invocation try again, and log again
    throw error;
  });
  let serve: ServerlessHandler;
  try {
    serve = await serverlessHandler;
  } catch (error) {
    new AppLogger().error('The status service could not start; answering 500', {
      outcome: 'startup-failed',
      error: describeError(error),
    });
    return NOT_STARTED;
  }
  return serve(event, context, () => undefined);
};
