import { Module } from '@nestjs/common';
import { AwsModule } from '../aws/aws.module';
import { AmiTransitionService } from './ami-transition.service';
import { Clock, SystemClock } from './clock';

/** The rules that move a preset's AMI record, shared by reconciliation and the AMI update events. */
@Module({
  imports: [AwsModule],
  providers: [AmiTransitionService, { provide: Clock, useClass: SystemClock }],
  exports: [AwsModule, AmiTransitionService, Clock],
})
export class AmiStateModule {}
