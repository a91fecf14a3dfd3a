import type { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { INestApplication } from '@nestjs/common';
import { AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { AppModule } from '../../src/app.module';
import { AppConfig } from '../../src/config/app-config';
import { AppLogger } from '../../src/logging/app-logger';
import { compileWithTestConfig } from './testing-module';
import { ImageBuilderGateway } from '../../src/aws/image-builder.gateway';
import { SsmConfigService } from '../../src/aws/ssm-config.service';

export interface StatusApp {
  app: INestApplication;
  /** The app's own Image Builder and SSM clients, mocked per instance. */
  imageBuilder: AwsClientStub<ImagebuilderClient>;
  ssm: AwsClientStub<SSMClient>;
  dynamoDb: DynamoDBDocumentClient;
  logger: AppLogger;
}

/**
 * The real application (real modules, real DynamoDB client against dynalite), with the
 * configuration and clock stated by the test and Image Builder and SSM mocked at the client.
 */
export async function startStatusApp(config: Partial<AppConfig>, now: Date): Promise<StatusApp> {
  const moduleRef = await compileWithTestConfig(AppModule, config, now);
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return {
    app,
    imageBuilder: mockClient(app.get(ImageBuilderGateway, { strict: false }).client),
    ssm: mockClient(app.get(SsmConfigService, { strict: false }).client),
    dynamoDb: app.get(DynamoDBDocumentClient, { strict: false }),
    logger: app.get(AppLogger, { strict: false }),
  };
}
