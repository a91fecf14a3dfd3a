import { Module } from '@nestjs/common';
import { ClockModule } from '../../common/clock.module';
import { StatusPage } from './status-page';

/** GET /status as HTML for people; the status module decides when (see negotiation.ts). */
@Module({
  imports: [ClockModule],
  providers: [StatusPage],
  exports: [StatusPage],
})
export class StatusPageModule {}
