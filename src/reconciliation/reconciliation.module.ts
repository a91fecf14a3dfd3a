import { Module } from '@nestjs/common';
import { AmiStateModule } from '../ami-state/ami-state.module';
import { ReconciliationService } from './reconciliation.service';

@Module({
  imports: [AmiStateModule],
  providers: [ReconciliationService],
  exports: [ReconciliationService],
})
export class ReconciliationModule {}
