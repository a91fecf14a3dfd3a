import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { Context } from 'aws-lambda';
import { AmiEventService } from './ami-events/ami-event.service';
import { EventsAppModule } from './events-app.module';
import { AppLogger } from './logging/app-logger';
import { LAMBDA_RESPONSE_MARGIN_MS } from './common/request-deadline';

interface EventsApp {
  service: AmiEventService;
  logger: AppLogger;
}

/** Built on the first event and kept for the life of the container. */
let eventsApp: Promise<EventsApp> | undefined;

async function bootstrap(context: Partial<Context>): Promise<EventsApp> {
  // The start-up lines belong to the first invocation too.
  const startupLogger = new AppLogger();
  startupLogger.setInvocation(context);
  const app = await NestFactory.createApplicationContext(EventsAppModule, {
    logger: startupLogger,
    // A bad configuration value fails each event with its message, never exits the process.
    abortOnError: false,
  });
  const logger = app.get(AppLogger);
  logger.setInvocation(context);
  app.useLogger(logger);
  return { service: app.get(AmiEventService), logger };
}

/**
 * EventBridge "EC2 Image Builder Image State Change" events. Returns normally for an event
 * that can never succeed (it is logged); throws when a retry may succeed.
 */
export const handler = async (event: unknown, context: Partial<Context> = {}): Promise<void> => {
  eventsApp ??= bootstrap(context).catch((error: unknown) => {
    eventsApp = undefined; // let the next event try again, and log again
    throw error;
  });
  // Fail clearly (a retryable error) before Lambda kills the invocation mid-call.
  const remainingMs = context.getRemainingTimeInMillis?.();
  const deadline =
    remainingMs === undefined
      ? undefined
      : AbortSignal.timeout(Math.max(1, remainingMs - LAMBDA_RESPONSE_MARGIN_MS));
  const { service, logger } = await eventsApp;
  // Every line of this invocation carries its request id.
  logger.setInvocation(context);
  await service.handle(event, deadline);
};
