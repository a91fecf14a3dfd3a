import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GitHubModule } from '../github/github.module';
import { ReconciliationModule } from '../reconciliation/reconciliation.module';
import { RunnersModule } from '../runners/runners.module';
import { StatusPageModule } from './page/status-page.module';
import { StatusErrorFilter } from './status-error.filter';
import { LambdaRemainingTime } from './lambda-remaining-time';
import { StatusController } from './status.controller';

@Module({
  imports: [ReconciliationModule, GitHubModule, RunnersModule, StatusPageModule],
  controllers: [StatusController],
  providers: [LambdaRemainingTime, { provide: APP_FILTER, useClass: StatusErrorFilter }],
})
export class StatusModule {}
