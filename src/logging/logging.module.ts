import { DynamicModule, Global, Module } from '@nestjs/common';
import type { LogFormat } from '../config/app-config';
import { AppLogger, LOG_FORMAT } from './app-logger';

@Global()
@Module({ providers: [AppLogger], exports: [AppLogger] })
export class LoggingModule {}

/** A local server's log format, for the AppLogger of every module; Lambda never imports it. */
@Global()
@Module({})
export class LogFormatModule {
  static of(format: LogFormat): DynamicModule {
    return {
      module: LogFormatModule,
      providers: [{ provide: LOG_FORMAT, useValue: format }],
      exports: [LOG_FORMAT],
    };
  }
}
