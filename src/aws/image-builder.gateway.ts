import {
  GetImageCommand,
  type Image,
  ImagebuilderClient,
  type ImageSummary,
  paginateListImagePipelineImages,
  paginateListImagePipelines,
  ResourceNotFoundException,
} from '@aws-sdk/client-imagebuilder';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, appConfig } from '../config/app-config';
import { clientSettings, LazyClient } from './aws-clients';

/** The largest page ListImagePipelineImages serves. */
const IMAGES_PAGE_SIZE = 25;

/** EC2 Image Builder: the pipelines, images and image states the service reads. */
@Injectable()
export class ImageBuilderGateway implements OnApplicationShutdown {
  private readonly lazy: LazyClient<ImagebuilderClient>;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    this.lazy = new LazyClient(() => new ImagebuilderClient(clientSettings(config)));
  }

  /** The SDK client, one per container. */
  get client(): ImagebuilderClient {
    return this.lazy.client;
  }

  /** Pipeline ARNs by name, for up to 10 names (one call per page); exact matches only. */
  async findPipelineArns(names: string[], abortSignal?: AbortSignal): Promise<Map<string, string>> {
    abortSignal?.throwIfAborted();
    const arns = new Map<string, string>();
    const pages = paginateListImagePipelines(
      { client: this.client },
      { filters: [{ name: 'name', values: names }] },
      { abortSignal },
    );
    for await (const page of pages) {
      for (const pipeline of page.imagePipelineList ?? []) {
        if (pipeline.name && pipeline.arn && names.includes(pipeline.name)) {
          arns.set(pipeline.name, pipeline.arn);
        }
      }
    }
    return arns;
  }

  /** Every image of a pipeline, over every page, in no particular order. */
  async listPipelineImages(pipelineArn: string, abortSignal?: AbortSignal): Promise<ImageSummary[]> {
    abortSignal?.throwIfAborted();
    const summaries: ImageSummary[] = [];
    const pages = paginateListImagePipelineImages(
      { client: this.client, pageSize: IMAGES_PAGE_SIZE },
      { imagePipelineArn: pipelineArn },
      { abortSignal },
    );
    for await (const page of pages) summaries.push(...(page.imageSummaryList ?? []));
    return summaries;
  }

  /** The image, or undefined when it does not exist (a permanent answer); other errors propagate. */
  async getImage(imageArn: string, abortSignal?: AbortSignal): Promise<Image | undefined> {
    try {
      const { image } = await this.client.send(new GetImageCommand({ imageBuildVersionArn: imageArn }), {
        abortSignal,
      });
      return image;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }

  onApplicationShutdown(): void {
    this.lazy.destroy();
  }
}
