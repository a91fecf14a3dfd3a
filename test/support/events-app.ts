import type { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { TestingModule } from '@nestjs/testing';
import { AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { AmiEventService } from '../../src/ami-events/ami-event.service';
import { AppConfig } from '../../src/config/app-config';
import { EventsAppModule } from '../../src/events-app.module';
import { compileWithTestConfig } from './testing-module';
import { ImageBuilderGateway } from '../../src/aws/image-builder.gateway';
import { RunnerConfigRepository } from '../../src/aws/runner-config.repository';

export interface EventsApp {
  moduleRef: TestingModule;
  events: AmiEventService;
  imageBuilder: AwsClientStub<ImagebuilderClient>;
  ssm: AwsClientStub<SSMClient>;
}

/** The real event application context, Image Builder and SSM mocked at its own clients. */
export async function startEventsApp(config: Partial<AppConfig>, now: Date): Promise<EventsApp> {
  const moduleRef = await compileWithTestConfig(EventsAppModule, config, now);
  moduleRef.useLogger(false);
  await moduleRef.init();
  return {
    moduleRef,
    events: moduleRef.get(AmiEventService),
    imageBuilder: mockClient(moduleRef.get(ImageBuilderGateway, { strict: false }).client),
    ssm: mockClient(moduleRef.get(RunnerConfigRepository, { strict: false }).client),
  };
}
