import { Module } from '@nestjs/common';
import { AmiStateModule } from '../ami-state/ami-state.module';
import { AwsModule } from '../aws/aws.module';
import { AmiEventService } from './ami-event.service';

/** The AMI update path: Image Builder's state change events. */
@Module({
  imports: [AmiStateModule.withAdapters(AwsModule), AwsModule],
  providers: [AmiEventService],
  exports: [AmiEventService],
})
export class AmiEventsModule {}
