import {
  type ImagebuilderClient,
  ListImagePipelinesCommand,
  type ListImagePipelinesCommandInput,
} from '@aws-sdk/client-imagebuilder';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureHttp } from '../../src/bootstrap';
import { AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { Clock } from '../../src/common/clock';
import { AppModule } from '../../src/app.module';
import { AppConfig } from '../../src/config/app-config';
import { AppLogger } from '../../src/logging/app-logger';
import { GitHubReadinessService } from '../../src/github/github-readiness.service';
import { CONNECTED_GITHUB } from '../../src/testing/github-readiness.fixture';
import { testingModuleWithTestConfig } from './testing-module';
import { ImageBuilderGateway } from '../../src/aws/image-builder.gateway';
import { RunnerConfigRepository } from '../../src/aws/runner-config.repository';

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
 * configuration and clock stated by the test and Image Builder and SSM mocked at the client
 * (every preset's pipeline exists, enabled).
 * These tests are about the AMIs: the GitHub App is connected (its own tests are
 * test/github-readiness.e2e-spec.ts).
 */
export async function startStatusApp(config: Partial<AppConfig>, now: Date | Clock): Promise<StatusApp> {
  const moduleRef = await testingModuleWithTestConfig(AppModule, config, now)
    .overrideProvider(GitHubReadinessService)
    .useValue({ check: () => Promise.resolve(CONNECTED_GITHUB) })
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  configureHttp(app);
  await app.init();
  const imageBuilder = mockClient(app.get(ImageBuilderGateway, { strict: false }).client);
  // Every preset has its pipeline, enabled, unless a test says otherwise.
  imageBuilder.on(ListImagePipelinesCommand).callsFake((input: ListImagePipelinesCommandInput) => ({
    imagePipelineList: (input.filters?.find((filter) => filter.name === 'name')?.values ?? []).map(
      (name) => ({
        arn: `arn:aws:imagebuilder:eu-west-1:123456789012:image-pipeline/${name}`,
        name,
        status: 'ENABLED',
      }),
    ),
  }));
  return {
    app,
    imageBuilder,
    ssm: mockClient(app.get(RunnerConfigRepository, { strict: false }).client),
    dynamoDb: app.get(DynamoDBDocumentClient, { strict: false }),
    logger: app.get(AppLogger, { strict: false }),
  };
}
