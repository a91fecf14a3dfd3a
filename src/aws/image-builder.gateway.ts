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
import { clientSettings, LazyClient, withoutSdkLogger } from './aws-clients';

/** The largest page ListImagePipelineImages serves. */
const IMAGES_PAGE_SIZE = 25;

/** ListImagePipelines accepts at most 10 values in one filter. */
export const PIPELINE_NAMES_PER_LOOKUP = 10;

/** A pipeline as ListImagePipelines describes it: its status and run dates as Image Builder sent them. */
export interface FoundPipeline {
  arn: string;
  status: string | undefined;
  dateLastRun: string | undefined;
  dateNextRun: string | undefined;
}

/** EC2 Image Builder: the pipelines, images and image states the service reads. */
@Injectable()
export class ImageBuilderGateway implements OnApplicationShutdown {
  private readonly lazy: LazyClient<ImagebuilderClient>;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    this.lazy = new LazyClient(() => withoutSdkLogger(new ImagebuilderClient(clientSettings(config))));
  }

  /** The SDK client, one per container. */
  get client(): ImagebuilderClient {
    return this.lazy.client;
  }

  /**
   * The pipelines named `names` (up to PIPELINE_NAMES_PER_LOOKUP), by name, over every page:
   * exact names only, as a name filter may match others. Image Builder's own strings,
   * unchecked: the caller decides what a missing status or an odd date means.
   */
  async findPipelines(names: string[], abortSignal?: AbortSignal): Promise<Map<string, FoundPipeline>> {
    abortSignal?.throwIfAborted();
    const found = new Map<string, FoundPipeline>();
    const pages = paginateListImagePipelines(
      { client: this.client },
      { filters: [{ name: 'name', values: names }] },
      { abortSignal },
    );
    for await (const page of pages) {
      for (const { name, arn, status, dateLastRun, dateNextRun } of page.imagePipelineList ?? []) {
        if (name && arn && names.includes(name)) found.set(name, { arn, status, dateLastRun, dateNextRun });
      }
    }
    return found;
  }

  /** Pipeline ARNs by name, for up to PIPELINE_NAMES_PER_LOOKUP names; exact matches only. */
  async findPipelineArns(names: string[], abortSignal?: AbortSignal): Promise<Map<string, string>> {
    const found = await this.findPipelines(names, abortSignal);
    return new Map([...found].map(([name, pipeline]) => [name, pipeline.arn]));
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
