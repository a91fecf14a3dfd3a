import { Module } from '@nestjs/common';
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
  ],
  exports: [AmiStateRepository, JobRecordsRepository, ImageBuilderGateway, SsmConfigService],
})
export class AwsModule {}
