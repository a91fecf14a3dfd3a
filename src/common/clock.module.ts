import { Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';

/** The one clock of the application, replaced by tests that state the time they mean. */
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }],
  exports: [Clock],
})
export class ClockModule {}
