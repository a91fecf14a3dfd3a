import { Module } from '@nestjs/common';
import { AmiRecordStore } from '../ami-state/ami-record-store';
import { RunnerConfigStore } from '../ami-state/runner-config-store';
import { AmiStateRepository } from './ami-state.repository';
import { DynamoDbClientShutdown, dynamoDbClientProvider } from './aws-clients';
import { ImageBuilderGateway } from './image-builder.gateway';
import { JobRecordsRepository } from './job-records.repository';
import { SsmConfigService } from './ssm-config.service';

/** Everything that talks to AWS: the SDK clients and the providers built on them. */
@Module({
  providers: [
    dynamoDbClientProvider,
    DynamoDbClientShutdown,
    AmiStateRepository,
    JobRecordsRepository,
    ImageBuilderGateway,
    SsmConfigService,
    // The domain's ports (ami-state/), bound to the adapters that implement them.
    { provide: AmiRecordStore, useExisting: AmiStateRepository },
    { provide: RunnerConfigStore, useExisting: SsmConfigService },
  ],
  exports: [AmiRecordStore, RunnerConfigStore, JobRecordsRepository, ImageBuilderGateway],
})
export class AwsModule {}
