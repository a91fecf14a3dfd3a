/**
 * What Nest, Express and serverless-express cost on their own: the smallest Nest
 * application answering GET /status with the plain handler's query, one module and one
 * controller, adapted to API Gateway as the service is. Decorators are applied as
 * functions, as TypeScript would, so the file runs without compiling.
 */
import 'reflect-metadata';
import serverlessExpress from '@codegenie/serverless-express';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { readPresets } from './plain-handler.mjs';

class StatusController {
  async status() {
    return { presets: await readPresets() };
  }
}
const status = Object.getOwnPropertyDescriptor(StatusController.prototype, 'status');
Get('status')(StatusController.prototype, 'status', status);
Controller()(StatusController);

class AppModule {}
Module({ controllers: [StatusController] })(AppModule);

async function bootstrap() {
  const app = await NestFactory.create(AppModule, new ExpressAdapter(), { logger: false, bodyParser: false });
  await app.init();
  return serverlessExpress({ app: app.getHttpAdapter().getInstance() });
}

let serve;
export const handler = async (event, context) => {
  serve ??= bootstrap();
  return (await serve)(event, context, () => undefined);
};
