import { Module } from '@nestjs/common';
import { ClockModule } from '../common/clock.module';
import { AwsModule } from '../aws/aws.module';
import { RunnerActivityCheck } from './runner-activity.check';
import { RunnerActivityService } from './runner-activity.service';
import { RecentOutcomesService } from './recent-outcomes.service';

/** Runner activity: runners by state and recent job outcomes, from the job records. */
@Module({
  imports: [AwsModule, ClockModule],
  providers: [RecentOutcomesService, RunnerActivityService, RunnerActivityCheck],
  exports: [RunnerActivityCheck],
})
export class RunnersModule {}
