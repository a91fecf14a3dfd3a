import { Module } from '@nestjs/common';
import { appConfigModule } from './config/app-config';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { StatusModule } from './status/status.module';

/** The HTTP application: GET /status. */
@Module({ imports: [appConfigModule, LoggingModule, MetricsModule, StatusModule] })
export class AppModule {}
