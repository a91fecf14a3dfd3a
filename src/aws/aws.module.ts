import { Module } from '@nestjs/common';
import { AmiRecordStore } from '../ami-state/ami-record-store';
import { RunnerConfigStore } from '../ami-state/runner-config-store';
import { AmiStateRepository } from './ami-state.repository';
import { DynamoDbClientShutdown, dynamoDbClientProvider } from './aws-clients';
import { ImageBuilderGateway } from './image-builder.gateway';
import { JobRecordsRepository } from './job-records.repository';
import { RunnerConfigRepository } from './runner-config.repository';

/** Everything that talks to AWS: the SDK clients and the providers built on them. */
@Module({
  providers: [
    dynamoDbClientProvider,
    DynamoDbClientShutdown,
    AmiStateRepository,
    JobRecordsRepository,
    ImageBuilderGateway,
    RunnerConfigRepository,
    // The domain's ports (ami-state/), bound to the adapters that implement them.
    { provide: AmiRecordStore, useExisting: AmiStateRepository },
    { provide: RunnerConfigStore, useExisting: RunnerConfigRepository },
  ],
  exports: [AmiRecordStore, RunnerConfigStore, JobRecordsRepository, ImageBuilderGateway],
})
export class AwsModule {}
