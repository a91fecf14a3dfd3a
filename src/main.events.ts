import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AmiEventService } from './ami-events/ami-event.service';
import { EventsAppModule } from './events-app.module';
import { AppLogger } from './logging/app-logger';

/** Built on the first event and kept for the life of the container. */
let eventService: Promise<AmiEventService> | undefined;

async function bootstrap(): Promise<AmiEventService> {
  const app = await NestFactory.createApplicationContext(EventsAppModule, { logger: new AppLogger() });
  return app.get(AmiEventService);
}

/**
 * EventBridge "EC2 Image Builder Image State Change" events. Returns normally for an event
 * that can never succeed (it is logged); throws when a retry may succeed.
 */
export const handler = async (event: unknown): Promise<void> => {
  eventService ??= bootstrap().catch((error: unknown) => {
    eventService = undefined; // let the next event try again, and log again
    throw error;
  });
  await (await eventService).handle(event);
};
