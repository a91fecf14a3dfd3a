import { Module } from '@nestjs/common';
import { AmiStateModule } from '../ami-state/ami-state.module';
import { AwsModule } from '../aws/aws.module';
import { ClockModule } from '../common/clock.module';
import { AmiRecordReader } from './ami-record-reader.service';
import { PipelineCheck } from './pipeline-check.service';
import { ReconciliationService } from './reconciliation.service';
import { RunnerConfigVerifier } from './runner-config-verifier.service';
import { StalePresetHealer } from './stale-preset-healer.service';

@Module({
  imports: [AmiStateModule.withAdapters(AwsModule), AwsModule, ClockModule],
  providers: [ReconciliationService, AmiRecordReader, StalePresetHealer, RunnerConfigVerifier, PipelineCheck],
  exports: [ReconciliationService],
})
export class ReconciliationModule {}
