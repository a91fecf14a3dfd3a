import { Module } from '@nestjs/common';
import { AmiEventsModule } from './ami-events/ami-events.module';
import { appConfigModule } from './config/app-config';
import { LoggingModule } from './logging/logging.module';

/** The event application (no HTTP server): Image Builder's state change events. */
@Module({ imports: [appConfigModule, LoggingModule, AmiEventsModule] })
export class EventsAppModule {}
