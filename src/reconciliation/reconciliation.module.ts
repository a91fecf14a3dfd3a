import { Module } from '@nestjs/common';
import { AmiStateModule } from '../ami-state/ami-state.module';
import { ReconciliationService } from './reconciliation.service';
import { RunnerConfigVerifier } from './runner-config-verifier.service';

@Module({
  imports: [AmiStateModule],
  providers: [ReconciliationService, RunnerConfigVerifier],
  exports: [ReconciliationService],
})
export class ReconciliationModule {}
