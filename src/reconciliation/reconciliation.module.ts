import { Module } from '@nestjs/common';
import { AwsModule } from '../aws/aws.module';
import { Clock, SystemClock } from './clock';
import { ReconciliationService } from './reconciliation.service';

@Module({
  imports: [AwsModule],
  providers: [ReconciliationService, { provide: Clock, useClass: SystemClock }],
  exports: [ReconciliationService],
})
export class ReconciliationModule {}
