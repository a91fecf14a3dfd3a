import {
  GetImageCommand,
  ImagebuilderServiceException,
  ListImagePipelineImagesCommand,
  ListImagePipelinesCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-imagebuilder';
import { mockClient } from 'aws-sdk-client-mock';
import { anImage, imageArn, pipelineArn } from '../testing/image.fixture';
import { testConfig } from '../testing/test-config';
import { ImageBuilderGateway } from './image-builder.gateway';

const PIPELINE_ARN = pipelineArn('linux-x64');

describe(ImageBuilderGateway.name, () => {
  const gateway = new ImageBuilderGateway(testConfig());
  const imageBuilderMock = mockClient(gateway.client);

  beforeEach(() => imageBuilderMock.reset());

  afterAll(() => gateway.onApplicationShutdown());

  describe('findPipelines', () => {
    it('filters ListImagePipelines by the names and keeps exact matches, with their status and run dates', async () => {
      // Prepare: a name filter also matches a longer name; a pipeline never run has no dateLastRun.
      imageBuilderMock.on(ListImagePipelinesCommand).resolves({
        imagePipelineList: [
          { name: 'spot-runner-linux-x64-old', arn: pipelineArn('linux-x64-old'), status: 'ENABLED' },
          {
            name: 'spot-runner-linux-arm64',
            arn: pipelineArn('linux-arm64'),
            status: 'DISABLED',
            dateLastRun: '2026-11-20T09:00:00.000Z',
            dateNextRun: '2026-11-27T09:00:00.000Z',
          },
          { name: 'spot-runner-windows-x64', arn: pipelineArn('windows-x64'), status: 'ENABLED' },
        ],
      });

      // Act
      const found = await gateway.findPipelines([
        'spot-runner-linux-x64',
        'spot-runner-linux-arm64',
        'spot-runner-windows-x64',
      ]);

      // Assess
      expect(imageBuilderMock).toHaveReceivedCommandWith(ListImagePipelinesCommand, {
        filters: [
          {
            name: 'name',
            values: ['spot-runner-linux-x64', 'spot-runner-linux-arm64', 'spot-runner-windows-x64'],
          },
        ],
      });
      expect(found).toEqual(
        new Map([
          [
            'spot-runner-linux-arm64',
            {
              arn: pipelineArn('linux-arm64'),
              status: 'DISABLED',
              dateLastRun: '2026-11-20T09:00:00.000Z',
              dateNextRun: '2026-11-27T09:00:00.000Z',
            },
          ],
          [
            'spot-runner-windows-x64',
            {
              arn: pipelineArn('windows-x64'),
              status: 'ENABLED',
              dateLastRun: undefined,
              dateNextRun: undefined,
            },
          ],
        ]),
      );
    });

    it('reads every page of the pipelines found', async () => {
      imageBuilderMock
        .on(ListImagePipelinesCommand)
        .resolvesOnce({
          imagePipelineList: [{ name: 'spot-runner-linux-x64', arn: PIPELINE_ARN, status: 'ENABLED' }],
          nextToken: 'page-2',
        })
        .resolvesOnce({
          imagePipelineList: [
            { name: 'spot-runner-linux-arm64', arn: pipelineArn('linux-arm64'), status: 'ENABLED' },
          ],
        });

      const found = await gateway.findPipelines(['spot-runner-linux-x64', 'spot-runner-linux-arm64']);

      expect(imageBuilderMock).toHaveReceivedCommandWith(ListImagePipelinesCommand, { nextToken: 'page-2' });
      expect([...found.keys()]).toEqual(['spot-runner-linux-x64', 'spot-runner-linux-arm64']);
    });

    it('sends nothing once the deadline has passed', async () => {
      await expect(gateway.findPipelines(['spot-runner-linux-x64'], AbortSignal.abort())).rejects.toThrow();

      expect(imageBuilderMock.calls()).toHaveLength(0);
    });
  });

  describe('findPipelineArns', () => {
    it('gives the ARN of each pipeline found, by its exact name', async () => {
      imageBuilderMock.on(ListImagePipelinesCommand).resolves({
        imagePipelineList: [
          { name: 'spot-runner-linux-x64-old', arn: pipelineArn('linux-x64-old') },
          { name: 'spot-runner-linux-arm64', arn: pipelineArn('linux-arm64'), status: 'DISABLED' },
        ],
      });

      const arns = await gateway.findPipelineArns(['spot-runner-linux-x64', 'spot-runner-linux-arm64']);

      expect(arns).toEqual(new Map([['spot-runner-linux-arm64', pipelineArn('linux-arm64')]]));
    });
  });

  describe('listPipelineImages', () => {
    it('reads every page, passing the nextToken, 25 images a page', async () => {
      // Prepare
      const older = { arn: imageArn('linux-x64', 2), dateCreated: '2026-11-20T09:00:00.000Z' };
      const newer = { arn: imageArn('linux-x64', 3), dateCreated: '2026-11-23T09:00:00.000Z' };
      imageBuilderMock
        .on(ListImagePipelineImagesCommand)
        .resolvesOnce({ imageSummaryList: [older], nextToken: 'page-2' })
        .resolvesOnce({ imageSummaryList: [newer] });

      // Act
      const summaries = await gateway.listPipelineImages(PIPELINE_ARN);

      // Assess
      // The paginator reuses one input object: the pages are told apart by their count.
      expect(imageBuilderMock).toHaveReceivedCommandTimes(ListImagePipelineImagesCommand, 2);
      expect(imageBuilderMock).toHaveReceivedCommandWith(ListImagePipelineImagesCommand, {
        imagePipelineArn: PIPELINE_ARN,
        maxResults: 25,
        nextToken: 'page-2',
      });
      expect(summaries).toEqual([older, newer]);
    });

    it('sends nothing once the deadline has passed', async () => {
      await expect(gateway.listPipelineImages(PIPELINE_ARN, AbortSignal.abort())).rejects.toThrow();

      expect(imageBuilderMock.calls()).toHaveLength(0);
    });
  });

  describe('getImage', () => {
    it('returns the image GetImage describes', async () => {
      imageBuilderMock.on(GetImageCommand).resolves({ image: anImage() });

      const image = await gateway.getImage(imageArn('linux-x64', 3));

      expect(imageBuilderMock).toHaveReceivedCommandWith(GetImageCommand, {
        imageBuildVersionArn: imageArn('linux-x64', 3),
      });
      expect(image).toEqual(anImage());
    });

    it('returns undefined for an image that does not exist (ResourceNotFoundException)', async () => {
      imageBuilderMock
        .on(GetImageCommand)
        .rejects(new ResourceNotFoundException({ $metadata: {}, message: 'Image not found' }));

      await expect(gateway.getImage(imageArn('linux-x64', 3))).resolves.toBeUndefined();
    });

    it('throws any other error for the caller to retry', async () => {
      const outage = new ImagebuilderServiceException({
        name: 'ServiceException',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
        message: 'Internal failure',
      });
      imageBuilderMock.on(GetImageCommand).rejects(outage);

      await expect(gateway.getImage(imageArn('linux-x64', 3))).rejects.toBe(outage);
    });
  });
});
