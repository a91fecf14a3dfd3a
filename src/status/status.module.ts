import { Module } from '@nestjs/common';
import { ClockModule } from '../common/clock.module';
import { APP_FILTER } from '@nestjs/core';
import { ReconciliationModule } from '../reconciliation/reconciliation.module';
import { StatusPageModule } from './page/status-page.module';
import { StatusErrorFilter } from './status-error.filter';
import { LambdaRemainingTime } from './lambda-remaining-time';
import { READINESS_CHECKS, readinessChecksProvider } from './readiness-checks';
import { StatusController } from './status.controller';

@Module({
  imports: [
    ReconciliationModule,
    ...READINESS_CHECKS.map(({ module }) => module),
    StatusPageModule,
    ClockModule,
  ],
  controllers: [StatusController],
  providers: [
    LambdaRemainingTime,
    readinessChecksProvider,
    { provide: APP_FILTER, useClass: StatusErrorFilter },
  ],
})
export class StatusModule {}
