import { Module } from '@nestjs/common';
import { AmiEventsModule } from './ami-events/ami-events.module';
import { eventsAppConfigModule } from './config/app-config';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';

/** The event application (no HTTP server): Image Builder's state change events. */
@Module({ imports: [eventsAppConfigModule, LoggingModule, MetricsModule, AmiEventsModule] })
export class EventsAppModule {}
