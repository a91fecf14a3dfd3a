import { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { SSMClient } from '@aws-sdk/client-ssm';
import { TestingModule } from '@nestjs/testing';
import { AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { AmiEventService } from '../../src/ami-events/ami-event.service';
import { AppConfig } from '../../src/config/app-config';
import { EventsAppModule } from '../../src/events-app.module';
import { compileWithTestConfig } from './testing-module';

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
    imageBuilder: mockClient(moduleRef.get(ImagebuilderClient, { strict: false })),
    ssm: mockClient(moduleRef.get(SSMClient, { strict: false })),
  };
}
