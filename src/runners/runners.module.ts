import { Module } from '@nestjs/common';
import { ClockModule } from '../common/clock.module';
import { AwsModule } from '../aws/aws.module';
import { RunnerActivityCheck } from './runner-activity.check';
import { RunnerActivityService } from './runner-activity.service';

/** Runner activity: runners by state and recent job outcomes, from the job records. */
@Module({
  imports: [AwsModule, ClockModule],
  providers: [RunnerActivityService, RunnerActivityCheck],
  exports: [RunnerActivityCheck],
})
export class RunnersModule {}
