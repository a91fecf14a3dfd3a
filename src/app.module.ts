import { Module } from '@nestjs/common';
import { appConfigModule } from './config/app-config';
import { LoggingModule } from './logging/logging.module';
import { StatusModule } from './status/status.module';

/** The HTTP application: GET /status. */
@Module({ imports: [appConfigModule, LoggingModule, StatusModule] })
export class AppModule {}
