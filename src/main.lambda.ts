import 'reflect-metadata';
import serverlessExpress from '@codegenie/serverless-express';
import type { Context, Handler } from 'aws-lambda';
import { createApp } from './bootstrap';
import { AppLogger } from './logging/app-logger';

type ServerlessHandler = ReturnType<typeof serverlessExpress>;

/** Built on the first invocation and kept for the life of the container. */
let serverlessHandler: Promise<ServerlessHandler> | undefined;

async function bootstrap(): Promise<ServerlessHandler> {
  const app = await createApp();
  await app.init();
  return serverlessExpress({ app: app.getHttpAdapter().getInstance(), log: app.get(AppLogger) });
}

/** API Gateway REST (v1) and HTTP API (v2) events; serverless-express tells them apart. */
export const handler: Handler = async (event: unknown, context: Context) => {
  serverlessHandler ??= bootstrap().catch((error: unknown) => {
    serverlessHandler = undefined; // let the next invocation try again, and log again
    throw error;
  });
  const serve = await serverlessHandler;
  return serve(event, context, () => undefined);
};
