import { DynamicModule, Module, Type } from '@nestjs/common';
import { ClockModule } from '../common/clock.module';
import { AmiTransitionService } from './ami-transition.service';
import { PendingSsmUpdates } from './pending-ssm-updates.service';
import { ReconciliationLimit } from './reconciliation-limit';
import { RunnerConfigProblems } from './runner-config-problems';

/**
 * The rules that move a preset's AMI record, and the pending SSM updates they leave, shared
 * by reconciliation and the AMI update events under one bound (ReconciliationLimit).
 */
@Module({})
export class AmiStateModule {
  /**
   * The rules over the adapters that `adapters` binds to the domain's ports (AmiRecordStore,
   * RunnerConfigStore): the domain names its ports, the module that uses it names the adapters.
   */
  static withAdapters(adapters: Type): DynamicModule {
    return {
      module: AmiStateModule,
      imports: [adapters, ClockModule],
      providers: [AmiTransitionService, PendingSsmUpdates, ReconciliationLimit, RunnerConfigProblems],
      exports: [AmiTransitionService, PendingSsmUpdates, ReconciliationLimit, RunnerConfigProblems],
    };
  }
}
