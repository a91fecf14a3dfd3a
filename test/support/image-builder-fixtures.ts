import {
  GetImageCommand,
  Image,
  ImageSummary,
  ListImagePipelineImagesCommand,
  ListImagePipelinesCommand,
} from '@aws-sdk/client-imagebuilder';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { PENDING_RUNNER_CONFIG } from '../../src/testing/runner-config.fixture';
import type { StatusApp } from './status-app';

export const ACCOUNT_ID = '123456789012';

export function pipelineArn(presetName: string): string {
  return `arn:aws:imagebuilder:eu-west-1:${ACCOUNT_ID}:image-pipeline/spot-runner-${presetName}`;
}

export function imageArn(presetName: string, build: number): string {
  return `arn:aws:imagebuilder:eu-west-1:${ACCOUNT_ID}:image/spot-runner-${presetName}/1.0.0/${build}`;
}

/** Pipelines exist for these presets; any other name is not found. */
export function givenPipelines(statusApp: StatusApp, ...presetNames: string[]): void {
  statusApp.imageBuilder
    .on(ListImagePipelinesCommand)
    .callsFake((input: { filters?: { values?: string[] }[] }) => {
      const wanted = input.filters?.[0]?.values ?? [];
      return {
        imagePipelineList: presetNames
          .map((name) => ({ name: `spot-runner-${name}`, arn: pipelineArn(name) }))
          .filter((pipeline) => wanted.includes(pipeline.name)),
      };
    });
}

/** The pipeline's images (one page) and, by ARN, what GetImage answers for each. */
export function givenImages(statusApp: StatusApp, presetName: string, images: Image[]): void {
  const summaries: ImageSummary[] = images.map((image) => ({
    arn: image.arn,
    dateCreated: image.dateCreated,
  }));
  statusApp.imageBuilder
    .on(ListImagePipelineImagesCommand, { imagePipelineArn: pipelineArn(presetName) })
    .resolves({ imageSummaryList: summaries });
  for (const image of images) {
    statusApp.imageBuilder.on(GetImageCommand, { imageBuildVersionArn: image.arn }).resolves({ image });
  }
}

export function availableImage(presetName: string, build: number, amiId: string, dateCreated: string): Image {
  return {
    arn: imageArn(presetName, build),
    dateCreated,
    state: { status: 'AVAILABLE' },
    outputResources: { amis: [{ region: 'eu-west-1', image: amiId, accountId: ACCOUNT_ID }] },
  };
}

export const RUNNER_CONFIG = PENDING_RUNNER_CONFIG;

/** Every preset's SSM runner config exists with `value`; writes succeed. */
export function givenRunnerConfig(statusApp: StatusApp, value: string = JSON.stringify(RUNNER_CONFIG)): void {
  statusApp.ssm.on(GetParameterCommand).callsFake((input: { Name: string }) => ({
    Parameter: { Name: input.Name, Type: 'String', Value: value, Version: 1 },
  }));
  statusApp.ssm.on(PutParameterCommand).resolves({ Version: 2 });
}

/** The `ami` each PutParameter call wrote, by parameter name. */
export function writtenAmis(statusApp: StatusApp): Record<string, unknown> {
  return Object.fromEntries<unknown>(
    statusApp.ssm.commandCalls(PutParameterCommand).map((call) => {
      const { Name, Value } = call.args[0].input;
      const config = JSON.parse(Value ?? '{}') as { ami?: unknown };
      return [Name ?? '', config.ami];
    }),
  );
}
