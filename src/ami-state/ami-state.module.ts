import { Module } from '@nestjs/common';
import { AwsModule } from '../aws/aws.module';
import { AmiTransitionService } from './ami-transition.service';
import { ClockModule } from '../common/clock.module';

/** The rules that move a preset's AMI record, shared by reconciliation and the AMI update events. */
@Module({
  imports: [AwsModule, ClockModule],
  providers: [AmiTransitionService],
  exports: [AwsModule, AmiTransitionService, ClockModule],
})
export class AmiStateModule {}
