import { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { Module } from '@nestjs/common';
import { AmiStateRepository } from './ami-state.repository';
import { awsClientProviders, AwsClientsShutdown } from './aws-clients';
import { SsmConfigService } from './ssm-config.service';

/** Everything that talks to AWS: the SDK clients and the repositories built on them. */
@Module({
  providers: [...awsClientProviders, AwsClientsShutdown, AmiStateRepository, SsmConfigService],
  exports: [ImagebuilderClient, AmiStateRepository, SsmConfigService],
})
export class AwsModule {}
