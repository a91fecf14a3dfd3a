import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AmiEventService } from './ami-events/ami-event.service';
import { EventsAppModule } from './events-app.module';
import { AppLogger } from './logging/app-logger';
import { LAMBDA_RESPONSE_MARGIN_MS } from './reconciliation/reconciliation-budget';

/** Built on the first event and kept for the life of the container. */
let eventService: Promise<AmiEventService> | undefined;

async function bootstrap(): Promise<AmiEventService> {
  const app = await NestFactory.createApplicationContext(EventsAppModule, {
    logger: new AppLogger(),
    // A bad configuration value fails each event with its message, never exits the process.
    abortOnError: false,
  });
  return app.get(AmiEventService);
}

/**
 * EventBridge "EC2 Image Builder Image State Change" events. Returns normally for an event
 * that can never succeed (it is logged); throws when a retry may succeed.
 */
export const handler = async (
  event: unknown,
  context?: { getRemainingTimeInMillis?: () => number },
): Promise<void> => {
  eventService ??= bootstrap().catch((error: unknown) => {
    eventService = undefined; // let the next event try again, and log again
    throw error;
  });
  // Fail clearly (a retryable error) before Lambda kills the invocation mid-call.
  const remainingMs = context?.getRemainingTimeInMillis?.();
  const deadline =
    remainingMs === undefined
      ? undefined
      : AbortSignal.timeout(Math.max(1, remainingMs - LAMBDA_RESPONSE_MARGIN_MS));
  await (await eventService).handle(event, deadline);
};
