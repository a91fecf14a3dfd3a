import { createHash, randomUUID } from 'node:crypto';
import { AwsError } from './aws-error';
import { paginate } from './pagination';

export const LOCAL_ACCOUNT_ID = '000000000000';

/** Image states as Image Builder reports them. */
export type FakeImageStatus =
  | 'PENDING'
  | 'CREATING'
  | 'BUILDING'
  | 'TESTING'
  | 'DISTRIBUTING'
  | 'INTEGRATING'
  | 'AVAILABLE'
  | 'CANCELLED'
  | 'FAILED'
  | 'DEPRECATED'
  | 'DISABLED'
  | 'DELETED';

export interface FakeImageInput {
  status: FakeImageStatus;
  reason?: string;
  /** ISO-8601; the order images are listed in says nothing about it. */
  dateCreated: string;
  /** AMIs by region, for AVAILABLE images. */
  amis?: { region: string; image: string }[];
}

/** A pipeline's own fields, as a test sets them up. */
export interface FakePipelineInput {
  /** ISO-8601. */
  dateCreated?: string;
  status?: FakePipelineStatus;
  /** When it last ran; each image added to it runs it, so its newest image's date unless set. */
  dateLastRun?: string;
  /** When its schedule runs it next; none without a schedule. */
  dateNextRun?: string;
}

/** A pipeline's status: a DISABLED pipeline builds no new image, whatever its schedule says. */
export type FakePipelineStatus = 'ENABLED' | 'DISABLED';

interface Pipeline extends FakePipelineInput {
  arn: string;
  name: string;
  dateCreated: string;
  status: FakePipelineStatus;
  images: StoredImage[];
}

interface StoredImage extends FakeImageInput {
  arn: string;
  name: string;
  version: string;
  pipelineArn: string;
}

const MAX_RESULTS = 25;
const MAX_FILTER_VALUES = 10;
const PIPELINE_FILTERS = [
  'description',
  'distributionConfigurationArn',
  'imageRecipeArn',
  'infrastructureConfigurationArn',
  'name',
  'status',
];
const IMAGE_FILTERS = ['name', 'version'];

interface Filter {
  name?: unknown;
  values?: unknown;
}

/** Image Builder's pipelines and images, and the three read operations the service calls. */
export class FakeImageBuilder {
  private readonly pipelines = new Map<string, Pipeline>();
  /** A seed makes list order a fixed shuffle (stable across pages, like a real index). */
  shuffleSeed: string | undefined;
  /** Serve at most this many results a page, whatever maxResults asks (AWS may do so too). */
  pageSizeLimit = MAX_RESULTS;

  constructor(private readonly region: string) {}

  /** Forgets every pipeline and image. */
  clear(): void {
    this.pipelines.clear();
  }

  /** An ENABLED pipeline, never run and unscheduled, unless `input` says otherwise. */
  createPipeline(name: string, input: FakePipelineInput = {}): string {
    const arn = `arn:aws:imagebuilder:${this.region}:${LOCAL_ACCOUNT_ID}:image-pipeline/${name.toLowerCase()}`;
    this.pipelines.set(arn, {
      dateCreated: '2026-01-01T00:00:00.000Z',
      status: 'ENABLED',
      ...input,
      arn,
      name,
      images: [],
    });
    return arn;
  }

  /** Changes a pipeline's fields, as an operator disabling it (`{ status: 'DISABLED' }`) would. */
  updatePipeline(name: string, change: FakePipelineInput): void {
    Object.assign(this.findPipeline(name), change);
  }

  addImage(pipelineName: string, input: FakeImageInput): string {
    const pipeline = this.findPipeline(pipelineName);
    if (
      pipeline.dateLastRun === undefined ||
      Date.parse(pipeline.dateLastRun) < Date.parse(input.dateCreated)
    ) {
      pipeline.dateLastRun = input.dateCreated;
    }
    const build = pipeline.images.length + 1;
    const arn = `arn:aws:imagebuilder:${this.region}:${LOCAL_ACCOUNT_ID}:image/${pipelineName.toLowerCase()}/1.0.0/${build}`;
    pipeline.images.push({
      ...input,
      arn,
      name: pipelineName,
      version: `1.0.0/${build}`,
      pipelineArn: pipeline.arn,
    });
    return arn;
  }

  /** Changes a stored image's state, as a build moving on would. */
  updateImage(imageArn: string, change: Partial<FakeImageInput>): void {
    Object.assign(this.findImage(imageArn), change);
  }

  listImagePipelines(input: Record<string, unknown>) {
    const maxResults = this.maxResults(input.maxResults);
    const filters = this.filters(input.filters, PIPELINE_FILTERS);
    const matching = this.ordered([...this.pipelines.values()]).filter((pipeline) =>
      filters.every(({ name, values }) =>
        name === 'name'
          ? values.includes(pipeline.name)
          : name !== 'status' || values.includes(pipeline.status),
      ),
    );
    const page = paginate(
      matching,
      `pipelines:${JSON.stringify(filters)}`,
      maxResults,
      this.token(input.nextToken),
      invalidToken,
    );
    return {
      requestId: requestId(),
      imagePipelineList: page.items.map((pipeline) => ({
        arn: pipeline.arn,
        name: pipeline.name,
        platform: 'Linux',
        status: pipeline.status,
        dateCreated: pipeline.dateCreated,
        ...(pipeline.dateLastRun && { dateLastRun: pipeline.dateLastRun }),
        ...(pipeline.dateNextRun && { dateNextRun: pipeline.dateNextRun }),
      })),
      ...(page.nextToken && { nextToken: page.nextToken }),
    };
  }

  listImagePipelineImages(input: Record<string, unknown>) {
    if (typeof input.imagePipelineArn !== 'string') {
      throw new AwsError('InvalidRequestException', 400, 'imagePipelineArn is required');
    }
    const pipeline = this.pipelines.get(input.imagePipelineArn);
    if (!pipeline) {
      throw new AwsError('ResourceNotFoundException', 404, `Pipeline ${input.imagePipelineArn} not found`);
    }
    const maxResults = this.maxResults(input.maxResults);
    this.filters(input.filters, IMAGE_FILTERS);
    const page = paginate(
      this.ordered(pipeline.images),
      `images:${pipeline.arn}`,
      maxResults,
      this.token(input.nextToken),
      invalidToken,
    );
    return {
      requestId: requestId(),
      imageSummaryList: page.items.map((image) => ({
        arn: image.arn,
        name: image.name,
        type: 'AMI',
        version: image.version,
        platform: 'Linux',
        owner: LOCAL_ACCOUNT_ID,
        dateCreated: image.dateCreated,
        state: { status: image.status, ...(image.reason && { reason: image.reason }) },
      })),
      ...(page.nextToken && { nextToken: page.nextToken }),
    };
  }

  getImage(input: Record<string, unknown>) {
    if (typeof input.imageBuildVersionArn !== 'string') {
      throw new AwsError('InvalidRequestException', 400, 'imageBuildVersionArn is required');
    }
    const image = this.findImage(input.imageBuildVersionArn);
    return {
      requestId: requestId(),
      image: {
        arn: image.arn,
        name: image.name,
        type: 'AMI',
        version: image.version,
        platform: 'Linux',
        dateCreated: image.dateCreated,
        sourcePipelineArn: image.pipelineArn,
        sourcePipelineName: image.name,
        state: { status: image.status, ...(image.reason && { reason: image.reason }) },
        ...(image.amis && {
          outputResources: {
            amis: image.amis.map((ami) => ({
              region: ami.region,
              image: ami.image,
              name: `${image.name} ${image.version}`,
              accountId: LOCAL_ACCOUNT_ID,
            })),
          },
        }),
      },
    };
  }

  private findPipeline(name: string): Pipeline {
    const pipeline = [...this.pipelines.values()].find((candidate) => candidate.name === name);
    if (!pipeline) throw new Error(`No pipeline named ${name}; create it first`);
    return pipeline;
  }

  private findImage(arn: string): StoredImage {
    for (const pipeline of this.pipelines.values()) {
      const image = pipeline.images.find((candidate) => candidate.arn === arn);
      if (image) return image;
    }
    throw new AwsError('ResourceNotFoundException', 404, `Image ${arn} not found`);
  }

  private ordered<T extends { arn: string }>(items: readonly T[]): T[] {
    const seed = this.shuffleSeed;
    if (seed === undefined) return [...items];
    const rank = (item: T) => createHash('sha256').update(`${seed}:${item.arn}`).digest('hex');
    return [...items].sort((a, b) => (rank(a) < rank(b) ? -1 : 1));
  }

  private maxResults(value: unknown): number {
    if (value === undefined) return this.pageSizeLimit;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_RESULTS) {
      throw new AwsError('InvalidRequestException', 400, `maxResults must be between 1 and ${MAX_RESULTS}`);
    }
    return Math.min(value, this.pageSizeLimit);
  }

  private filters(value: unknown, allowed: readonly string[]): { name: string; values: string[] }[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new AwsError('InvalidRequestException', 400, 'filters must be a list');
    return (value as Filter[]).map(({ name, values }) => {
      if (typeof name !== 'string' || !allowed.includes(name)) {
        throw new AwsError('InvalidRequestException', 400, `Unsupported filter name: ${String(name)}`);
      }
      if (!Array.isArray(values) || values.length < 1 || values.length > MAX_FILTER_VALUES) {
        throw new AwsError(
          'InvalidRequestException',
          400,
          `A filter takes between 1 and ${MAX_FILTER_VALUES} values`,
        );
      }
      return { name, values: values.map(String) };
    });
  }

  private token(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw invalidToken();
    return value;
  }
}

function invalidToken(): AwsError {
  return new AwsError('InvalidPaginationTokenException', 400, 'The pagination token is invalid');
}

function requestId(): string {
  return randomUUID();
}
