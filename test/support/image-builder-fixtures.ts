import {
  GetImageCommand,
  Image,
  ImageSummary,
  ListImagePipelineImagesCommand,
  ListImagePipelinesCommand,
} from '@aws-sdk/client-imagebuilder';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { anImage, FIXTURE_ACCOUNT_ID, imageArn, pipelineArn } from '../../src/testing/image.fixture';
import { PENDING_RUNNER_CONFIG } from '../../src/testing/runner-config.fixture';
import type { StatusApp } from './status-app';

export { FIXTURE_ACCOUNT_ID as ACCOUNT_ID, imageArn, pipelineArn };

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

/** An AVAILABLE image of `presetName`'s pipeline (the shared `anImage` builder). */
export function availableImage(presetName: string, build: number, amiId: string, dateCreated: string): Image {
  return anImage({ presetName, build, amiId, dateCreated });
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
