import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Injectable, OnApplicationShutdown, Provider } from '@nestjs/common';
import { AppConfig, appConfig } from '../config/app-config';

/**
 * Shared by the three clients. Endpoints are left to the SDK's own settings
 * (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL_IMAGEBUILDER).
 */
function clientSettings(config: AppConfig) {
  return {
    region: config.awsRegion,
    retryMode: 'standard' as const,
    // Bound each attempt so one hung connection cannot eat the whole Lambda timeout.
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
  };
}

/** One instance of each client per container, built from the validated configuration. */
export const awsClientProviders: Provider[] = [
  {
    provide: DynamoDBDocumentClient,
    inject: [appConfig.KEY],
    useFactory: (config: AppConfig) =>
      DynamoDBDocumentClient.from(new DynamoDBClient(clientSettings(config)), {
        marshallOptions: { removeUndefinedValues: true },
      }),
  },
  {
    provide: SSMClient,
    inject: [appConfig.KEY],
    useFactory: (config: AppConfig) => new SSMClient(clientSettings(config)),
  },
  {
    provide: ImagebuilderClient,
    inject: [appConfig.KEY],
    useFactory: (config: AppConfig) => new ImagebuilderClient(clientSettings(config)),
  },
];

/** Closes the clients' sockets when the application closes (tests, the local server). */
@Injectable()
export class AwsClientsShutdown implements OnApplicationShutdown {
  constructor(
    private readonly dynamoDb: DynamoDBDocumentClient,
    private readonly ssm: SSMClient,
    private readonly imageBuilder: ImagebuilderClient,
  ) {}

  onApplicationShutdown(): void {
    this.dynamoDb.destroy();
    this.ssm.destroy();
    this.imageBuilder.destroy();
  }
}
