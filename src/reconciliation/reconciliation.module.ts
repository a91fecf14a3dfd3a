import { Module } from '@nestjs/common';
import { AmiStateModule } from '../ami-state/ami-state.module';
import { AwsModule } from '../aws/aws.module';
import { ClockModule } from '../common/clock.module';
import { ReconciliationLimit } from './reconciliation-limit';
import { ReconciliationService } from './reconciliation.service';
import { RunnerConfigVerifier } from './runner-config-verifier.service';

@Module({
  imports: [AmiStateModule.withAdapters(AwsModule), AwsModule, ClockModule],
  providers: [ReconciliationService, RunnerConfigVerifier, ReconciliationLimit],
  exports: [ReconciliationService],
})
export class ReconciliationModule {}
