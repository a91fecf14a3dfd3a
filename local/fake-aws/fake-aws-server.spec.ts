import {
  GetImageCommand,
  ImagebuilderClient,
  InvalidRequestException,
  ListImagePipelineImagesCommand,
  ListImagePipelinesCommand,
  paginateListImagePipelineImages,
  paginateListImagePipelines,
  ResourceNotFoundException,
  ServiceException,
} from '@aws-sdk/client-imagebuilder';
import {
  GetSecretValueCommand,
  InternalServiceError,
  ResourceNotFoundException as SecretsManagerResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  GetParameterCommand,
  GetParametersCommand,
  InternalServerError,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
  SSMServiceException,
} from '@aws-sdk/client-ssm';
import { FakeAwsServer } from './fake-aws-server';

const REGION = 'eu-west-1';

describe('FakeAwsServer through the real SDK clients', () => {
  const fake = new FakeAwsServer(REGION);
  let ssm: SSMClient;
  let imageBuilder: ImagebuilderClient;
  let secretsManager: SecretsManagerClient;

  beforeAll(async () => {
    const endpoint = await fake.listen();
    // The clients find the fake the way the service does: through the SDK's own settings.
    process.env.AWS_ENDPOINT_URL_SSM = endpoint;
    process.env.AWS_ENDPOINT_URL_IMAGEBUILDER = endpoint;
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = endpoint;
    ssm = new SSMClient({ region: REGION, retryMode: 'standard' });
    imageBuilder = new ImagebuilderClient({ region: REGION, retryMode: 'standard' });
    secretsManager = new SecretsManagerClient({ region: REGION, retryMode: 'standard' });
  });

  afterAll(async () => {
    ssm.destroy();
    imageBuilder.destroy();
    secretsManager.destroy();
    await fake.close();
  });

  afterEach(() => fake.resetControls());

  async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
    const all: T[] = [];
    for await (const page of pages) all.push(page);
    return all;
  }

  describe('SSM (JSON 1.1)', () => {
    it('GetParameter returns a stored parameter with its type and version', async () => {
      fake.ssm.setParameter('/spot-runner/configs/linux-x64', '{"ami":"pending"}');

      const { Parameter } = await ssm.send(
        new GetParameterCommand({ Name: '/spot-runner/configs/linux-x64' }),
      );

      expect(Parameter).toMatchObject({
        Name: '/spot-runner/configs/linux-x64',
        Type: 'String',
        Value: '{"ami":"pending"}',
        Version: 1,
      });
      expect(Parameter?.LastModifiedDate).toBeInstanceOf(Date);
    });

    it('GetParameter of a missing parameter throws the SDK ParameterNotFound', async () => {
      await expect(ssm.send(new GetParameterCommand({ Name: '/nope' }))).rejects.toBeInstanceOf(
        ParameterNotFound,
      );
    });

    it('a SecureString is only readable WithDecryption', async () => {
      fake.ssm.setParameter('/secure', '{"ami":"ami-1"}', 'SecureString');

      const hidden = await ssm.send(new GetParameterCommand({ Name: '/secure' }));
      const clear = await ssm.send(new GetParameterCommand({ Name: '/secure', WithDecryption: true }));

      expect(hidden.Parameter?.Value).not.toBe('{"ami":"ami-1"}');
      expect(clear.Parameter?.Value).toBe('{"ami":"ami-1"}');
    });

    it('GetParameters answers found and invalid names, at most 10 names', async () => {
      fake.ssm.setParameter('/a', '1');

      const answer = await ssm.send(new GetParametersCommand({ Names: ['/a', '/b'] }));
      const tooMany = ssm.send(
        new GetParametersCommand({ Names: Array.from({ length: 11 }, (_, i) => `/p${i}`) }),
      );

      expect(answer.Parameters?.map((parameter) => parameter.Name)).toEqual(['/a']);
      expect(answer.InvalidParameters).toEqual(['/b']);
      await expect(tooMany).rejects.toMatchObject({ name: 'ValidationException' });
    });

    it('PutParameter creates, refuses to overwrite without Overwrite, and bumps the version', async () => {
      // Act
      const created = await ssm.send(new PutParameterCommand({ Name: '/new', Value: 'v1', Type: 'String' }));
      const refused = ssm.send(new PutParameterCommand({ Name: '/new', Value: 'v2', Type: 'String' }));
      await expect(refused).rejects.toBeInstanceOf(ParameterAlreadyExists);
      const overwritten = await ssm.send(
        new PutParameterCommand({ Name: '/new', Value: 'v2', Overwrite: true }),
      );

      // Assess
      expect(created.Version).toBe(1);
      expect(overwritten.Version).toBe(2);
      expect(fake.ssm.parameter('/new')).toEqual({ value: 'v2', type: 'String', version: 2 });
    });

    it('PutParameter of a new parameter without a type is a validation error', async () => {
      await expect(ssm.send(new PutParameterCommand({ Name: '/untyped', Value: 'v' }))).rejects.toMatchObject(
        {
          name: 'ValidationException',
          $metadata: { httpStatusCode: 400 },
        },
      );
    });

    it('throttling is retried by the SDK; a 500 surfaces as InternalServerError after the retries', async () => {
      // Prepare
      fake.ssm.setParameter('/a', '1');
      fake.failNext('GetParameter', 2, 'throttling');

      // Act
      const afterThrottling = await ssm.send(new GetParameterCommand({ Name: '/a' }));
      fake.failAlways('ssm');
      const failing = ssm.send(new GetParameterCommand({ Name: '/a' }));

      // Assess
      expect(afterThrottling.$metadata.attempts).toBe(3);
      await expect(failing).rejects.toBeInstanceOf(InternalServerError);
      await expect(failing).rejects.toMatchObject({ $metadata: { attempts: 3 } });
    });

    it('a throttled call that exhausts the retries is a ThrottlingException', async () => {
      fake.failNext('*', 3, 'throttling');

      const call = ssm.send(new GetParameterCommand({ Name: '/a' }));

      await expect(call).rejects.toBeInstanceOf(SSMServiceException);
      await expect(call).rejects.toMatchObject({ name: 'ThrottlingException' });
    });
  });

  describe('Image Builder (REST-JSON)', () => {
    const pipelineNames = Array.from({ length: 30 }, (_, i) => `spot-runner-p${String(i).padStart(2, '0')}`);

    beforeAll(() => {
      for (const name of pipelineNames) fake.imageBuilder.createPipeline(name);
    });

    it('ListImagePipelines filters by exact name, at most 10 values', async () => {
      const { imagePipelineList } = await imageBuilder.send(
        new ListImagePipelinesCommand({
          filters: [{ name: 'name', values: ['spot-runner-p01', 'spot-runner-p02', 'spot-runner-p0'] }],
        }),
      );
      const tooMany = imageBuilder.send(
        new ListImagePipelinesCommand({ filters: [{ name: 'name', values: pipelineNames.slice(0, 11) }] }),
      );

      expect(imagePipelineList?.map((pipeline) => pipeline.name)).toEqual([
        'spot-runner-p01',
        'spot-runner-p02',
      ]);
      await expect(tooMany).rejects.toBeInstanceOf(InvalidRequestException);
    });

    it('ListImagePipelines pages with nextToken, at most 25 results a page', async () => {
      const pages = await collect(paginateListImagePipelines({ client: imageBuilder, pageSize: 7 }, {}));
      const tooLarge = imageBuilder.send(new ListImagePipelinesCommand({ maxResults: 26 }));

      const names = pages.flatMap((page) => page.imagePipelineList!.map((pipeline) => pipeline.name));
      expect(pages.map((page) => page.imagePipelineList?.length)).toEqual([7, 7, 7, 7, 2]);
      expect(names).toEqual(pipelineNames);
      await expect(tooLarge).rejects.toBeInstanceOf(InvalidRequestException);
    });

    it('ListImagePipelines gives each pipeline its status and run dates; a pipeline disabled says DISABLED', async () => {
      // Prepare: one scheduled pipeline that ran when its image was made, one never run.
      fake.imageBuilder.createPipeline('spot-runner-scheduled', { dateNextRun: '2026-11-30T03:00:00.000Z' });
      fake.imageBuilder.addImage('spot-runner-scheduled', {
        status: 'AVAILABLE',
        dateCreated: '2026-11-23T03:10:00.000Z',
      });
      fake.imageBuilder.createPipeline('spot-runner-unscheduled');
      fake.imageBuilder.updatePipeline('spot-runner-unscheduled', { status: 'DISABLED' });

      // Act
      const { imagePipelineList } = await imageBuilder.send(
        new ListImagePipelinesCommand({
          filters: [{ name: 'name', values: ['spot-runner-scheduled', 'spot-runner-unscheduled'] }],
        }),
      );
      const disabled = await imageBuilder.send(
        new ListImagePipelinesCommand({ filters: [{ name: 'status', values: ['DISABLED'] }] }),
      );

      // Assess
      expect(imagePipelineList).toEqual([
        expect.objectContaining({
          name: 'spot-runner-scheduled',
          status: 'ENABLED',
          dateLastRun: '2026-11-23T03:10:00.000Z',
          dateNextRun: '2026-11-30T03:00:00.000Z',
        }),
        expect.objectContaining({ name: 'spot-runner-unscheduled', status: 'DISABLED' }),
      ]);
      expect(imagePipelineList?.[1]).not.toHaveProperty('dateLastRun');
      expect(imagePipelineList?.[1]).not.toHaveProperty('dateNextRun');
      expect(disabled.imagePipelineList?.map((pipeline) => pipeline.name)).toEqual([
        'spot-runner-unscheduled',
      ]);
    });

    it('ListImagePipelineImages pages 23 images in pages of 5, shuffled the same way on every page', async () => {
      // Prepare
      const pipelineArn = fake.imageBuilder.createPipeline('spot-runner-images');
      for (let i = 0; i < 23; i++) {
        fake.imageBuilder.addImage('spot-runner-images', {
          status: 'BUILDING',
          dateCreated: `2026-11-${10 + (i % 9)}T00:00:00Z`,
        });
      }
      fake.shuffleLists('seed-1');

      // Act
      const pages = await collect(
        paginateListImagePipelineImages(
          { client: imageBuilder, pageSize: 5 },
          { imagePipelineArn: pipelineArn },
        ),
      );

      // Assess
      const arns = pages.flatMap((page) => page.imageSummaryList!.map((image) => image.arn));
      expect(pages).toHaveLength(5);
      expect(new Set(arns).size).toBe(23);
      expect(arns).not.toEqual(
        [...arns].sort((a, b) => Number(a!.split('/').pop()) - Number(b!.split('/').pop())),
      );
    });

    it('ListImagePipelineImages of an unknown pipeline throws ResourceNotFoundException', async () => {
      const call = imageBuilder.send(
        new ListImagePipelineImagesCommand({
          imagePipelineArn: 'arn:aws:imagebuilder:eu-west-1:000000000000:image-pipeline/nope',
        }),
      );

      await expect(call).rejects.toBeInstanceOf(ResourceNotFoundException);
    });

    it('GetImage returns the state and the AMIs of an image; an unknown ARN is ResourceNotFoundException', async () => {
      // Prepare
      fake.imageBuilder.createPipeline('spot-runner-get');
      const arn = fake.imageBuilder.addImage('spot-runner-get', {
        status: 'AVAILABLE',
        dateCreated: '2026-11-22T10:00:00.000Z',
        amis: [
          { region: 'us-east-1', image: 'ami-0us' },
          { region: REGION, image: 'ami-0eu' },
        ],
      });

      // Act
      const { image } = await imageBuilder.send(new GetImageCommand({ imageBuildVersionArn: arn }));
      const unknown = imageBuilder.send(new GetImageCommand({ imageBuildVersionArn: `${arn}9` }));

      // Assess
      expect(image).toMatchObject({
        arn,
        state: { status: 'AVAILABLE' },
        outputResources: {
          amis: [
            { region: 'us-east-1', image: 'ami-0us' },
            { region: REGION, image: 'ami-0eu' },
          ],
        },
      });
      await expect(unknown).rejects.toBeInstanceOf(ResourceNotFoundException);
    });

    it('throttled twice then fine: the SDK retries and succeeds', async () => {
      fake.failNext('ListImagePipelines', 2, 'throttling');

      const answer = await imageBuilder.send(new ListImagePipelinesCommand({}));

      expect(answer.$metadata.attempts).toBe(3);
      expect(fake.callsTo('ListImagePipelines')).toHaveLength(3);
    });

    it('failing with 500 on every call: ServiceException after the SDK retries', async () => {
      fake.failAlways('imagebuilder');

      const call = imageBuilder.send(new ListImagePipelinesCommand({}));

      await expect(call).rejects.toBeInstanceOf(ServiceException);
      await expect(call).rejects.toMatchObject({ $metadata: { httpStatusCode: 500, attempts: 3 } });
    });
  });

  describe('Secrets Manager (JSON 1.1)', () => {
    const ARN_PATTERN = new RegExp(
      `^arn:aws:secretsmanager:${REGION}:000000000000:secret:spot-runner/github-app-key-[A-Za-z0-9]{6}$`,
    );

    beforeEach(() => fake.secretsManager.clear());

    it('GetSecretValue by name answers the current value with its ARN and version', async () => {
      const arn = fake.secretsManager.putSecret('spot-runner/github-app-key', 'pem-1');

      const answer = await secretsManager.send(
        new GetSecretValueCommand({ SecretId: 'spot-runner/github-app-key' }),
      );

      expect(arn).toMatch(ARN_PATTERN);
      expect(answer).toMatchObject({
        ARN: arn,
        Name: 'spot-runner/github-app-key',
        SecretString: 'pem-1',
        VersionStages: ['AWSCURRENT'],
      });
      expect(answer.VersionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.CreatedDate).toBeInstanceOf(Date);
    });

    it('GetSecretValue by full ARN and by partial ARN (without the random suffix) finds the secret', async () => {
      const arn = fake.secretsManager.putSecret('spot-runner/github-app-key', 'pem-1');

      const byArn = await secretsManager.send(new GetSecretValueCommand({ SecretId: arn }));
      const byPartialArn = await secretsManager.send(
        new GetSecretValueCommand({ SecretId: arn.replace(/-[A-Za-z0-9]{6}$/, '') }),
      );

      expect([byArn.SecretString, byPartialArn.SecretString]).toEqual(['pem-1', 'pem-1']);
      expect(byPartialArn.ARN).toBe(arn);
    });

    it('a new value keeps the ARN and makes a new version; the old one stays readable as AWSPREVIOUS', async () => {
      // Prepare
      const arn = fake.secretsManager.putSecret('spot-runner/github-app-key', 'placeholder');
      const first = await secretsManager.send(new GetSecretValueCommand({ SecretId: arn }));

      // Act
      const sameArn = fake.secretsManager.putSecret('spot-runner/github-app-key', 'pem-2');
      const second = await secretsManager.send(new GetSecretValueCommand({ SecretId: arn }));

      // Assess
      expect(sameArn).toBe(arn);
      expect(second.SecretString).toBe('pem-2');
      expect(second.VersionId).not.toBe(first.VersionId);
      expect(fake.secretsManager.secretValue(arn)).toBe('pem-2');
      await expect(
        secretsManager.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSPREVIOUS' })),
      ).resolves.toMatchObject({ SecretString: 'placeholder', VersionId: first.VersionId });
    });

    it('a missing secret, or an ARN with another suffix, throws the SDK ResourceNotFoundException', async () => {
      const arn = fake.secretsManager.putSecret('spot-runner/github-app-key', 'pem-1');

      const byName = secretsManager.send(new GetSecretValueCommand({ SecretId: 'spot-runner/nope' }));
      const otherSuffix = secretsManager.send(
        new GetSecretValueCommand({ SecretId: arn.replace(/-[A-Za-z0-9]{6}$/, '-Zz9Zz9') }),
      );

      await expect(byName).rejects.toBeInstanceOf(SecretsManagerResourceNotFoundException);
      await expect(byName).rejects.toMatchObject({
        message: "Secrets Manager can't find the specified secret.",
        $metadata: { httpStatusCode: 400 },
      });
      await expect(otherSuffix).rejects.toBeInstanceOf(SecretsManagerResourceNotFoundException);
    });

    it('a denied read throws AccessDeniedException naming the SecretId', async () => {
      const arn = fake.secretsManager.putSecret('spot-runner/github-app-key', 'pem-1');
      fake.secretsManager.denyAccess('spot-runner/github-app-key');

      const call = secretsManager.send(new GetSecretValueCommand({ SecretId: arn }));

      await expect(call).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringContaining(`secretsmanager:GetSecretValue on resource: ${arn} because`),
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('an empty SecretId is a ValidationException', async () => {
      await expect(secretsManager.send(new GetSecretValueCommand({ SecretId: '' }))).rejects.toMatchObject({
        name: 'ValidationException',
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('throttling is retried by the SDK; a 500 surfaces as InternalServiceError after the retries', async () => {
      // Prepare
      fake.secretsManager.putSecret('spot-runner/github-app-key', 'pem-1');
      fake.failNext('GetSecretValue', 2, 'throttling');

      // Act
      const afterThrottling = await secretsManager.send(
        new GetSecretValueCommand({ SecretId: 'spot-runner/github-app-key' }),
      );
      fake.failAlways('secretsmanager');
      const failing = secretsManager.send(
        new GetSecretValueCommand({ SecretId: 'spot-runner/github-app-key' }),
      );

      // Assess
      expect(afterThrottling.$metadata.attempts).toBe(3);
      await expect(failing).rejects.toBeInstanceOf(InternalServiceError);
      await expect(failing).rejects.toMatchObject({ $metadata: { httpStatusCode: 500, attempts: 3 } });
    });

    it('a slow call the client aborts is never answered and the fake becomes idle', async () => {
      // Prepare
      fake.secretsManager.putSecret('spot-runner/github-app-key', 'pem-1');
      fake.setLatency('GetSecretValue', 10_000);
      const controller = new AbortController();

      // Act
      const call = secretsManager.send(
        new GetSecretValueCommand({ SecretId: 'spot-runner/github-app-key' }),
        {
          abortSignal: controller.signal,
        },
      );
      while (fake.callsTo('GetSecretValue').length === 0)
        await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort();

      // Assess: idle well within the test's timeout, so the fake stopped waiting to answer.
      await expect(call).rejects.toMatchObject({ name: 'AbortError' });
      await fake.idle();
      expect(fake.callsTo('GetSecretValue')).toHaveLength(1);
    });

    it('refuses a request signed for another service', async () => {
      const response = await fetch(process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER!, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          'X-Amz-Target': 'secretsmanager.GetSecretValue',
          Authorization: `AWS4-HMAC-SHA256 Credential=test-access-key/20261201/${REGION}/ssm/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: JSON.stringify({ SecretId: 'spot-runner/github-app-key' }),
      });

      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
      expect(await response.json()).toMatchObject({ __type: 'UnrecognizedClientException' });
    });

    it('answers other Secrets Manager operations with UnknownOperationException', async () => {
      const response = await fetch(process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER!, {
        method: 'POST',
        headers: { 'X-Amz-Target': 'secretsmanager.PutSecretValue' },
        body: '{}',
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
    });
  });

  describe('controls', () => {
    it('an aborted call never takes effect and the fake becomes idle', async () => {
      // Prepare
      fake.ssm.setParameter('/slow', 'before');
      fake.setLatency('PutParameter', 10_000);
      const controller = new AbortController();

      // Act
      const call = ssm.send(new PutParameterCommand({ Name: '/slow', Value: 'after', Overwrite: true }), {
        abortSignal: controller.signal,
      });
      await new Promise((resolve) => setImmediate(resolve));
      while (fake.callsTo('PutParameter').length === 0)
        await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort();

      // Assess
      await expect(call).rejects.toMatchObject({ name: 'AbortError' });
      await fake.idle();
      expect(fake.ssm.parameter('/slow')?.value).toBe('before');
    });

    /** Starts a PutParameter of `value`, and aborts it once the fake has received it. */
    async function abandonedPut(name: string, value: string) {
      const controller = new AbortController();
      const call = ssm.send(new PutParameterCommand({ Name: name, Value: value, Overwrite: true }), {
        abortSignal: controller.signal,
      });
      while (fake.callsTo('PutParameter').length === 0)
        await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort();
      await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    }

    it('applyWhenAbandoned: a call the client gave up on lands after its latency all the same (a ghost write)', async () => {
      // Prepare
      fake.ssm.setParameter('/ghost', 'before');
      fake.setLatency('PutParameter', 100);
      fake.applyWhenAbandoned('PutParameter');

      // Act
      await abandonedPut('/ghost', 'after');
      const rightAfterTheAbort = fake.ssm.parameter('/ghost')?.value;
      await fake.idle();

      // Assess
      expect(rightAfterTheAbort).toBe('before');
      expect(fake.ssm.parameter('/ghost')).toMatchObject({ value: 'after', version: 2 });
    });

    it('applyThenFail: the client is told the call failed although it was applied, every attempt', async () => {
      fake.ssm.setParameter('/applied', 'before');
      fake.applyThenFail('PutParameter', 3);

      const call = ssm.send(
        new PutParameterCommand({ Name: '/applied', Value: 'after', Overwrite: true }),
        {},
      );

      // The SDK's three attempts each landed, and each was answered with a 500.
      await expect(call).rejects.toMatchObject({ name: 'InternalServerError' });
      expect(fake.ssm.parameter('/applied')).toMatchObject({ value: 'after', version: 4 });
    });

    it('applyThenFail once: the SDK retries, so the write lands twice', async () => {
      fake.ssm.setParameter('/twice', 'before');
      fake.applyThenFail('PutParameter', 1);

      const { Version } = await ssm.send(
        new PutParameterCommand({ Name: '/twice', Value: 'after', Overwrite: true }),
      );

      expect(Version).toBe(3);
    });

    it('hold: a call is never answered, and never applied', async () => {
      // Prepare
      fake.ssm.setParameter('/held', 'before');
      fake.hold('PutParameter');

      // Act
      await abandonedPut('/held', 'after');
      await fake.idle();

      // Assess
      expect(fake.ssm.parameter('/held')?.value).toBe('before');
    });

    it('hold with applyWhenAbandoned: never answered, but applied after its latency', async () => {
      fake.ssm.setParameter('/held-ghost', 'before');
      fake.hold('PutParameter');
      fake.applyWhenAbandoned('PutParameter');

      await abandonedPut('/held-ghost', 'after');
      await fake.idle();

      expect(fake.ssm.parameter('/held-ghost')?.value).toBe('after');
    });

    it('records every call with its input and runs the hook of an operation', async () => {
      fake.ssm.setParameter('/hooked', 'x');
      const seen: unknown[] = [];
      fake.onCall('GetParameter', (input) => {
        seen.push(input.Name);
      });

      await ssm.send(new GetParameterCommand({ Name: '/hooked', WithDecryption: true }));

      expect(seen).toEqual(['/hooked']);
      expect(fake.calls).toEqual([
        { service: 'ssm', operation: 'GetParameter', input: { Name: '/hooked', WithDecryption: true } },
      ]);
    });

    it('refuses a request that is not signed for the service', async () => {
      const response = await fetch(`${process.env.AWS_ENDPOINT_URL_IMAGEBUILDER}/ListImagePipelines`, {
        method: 'POST',
        body: '{}',
      });

      expect(response.status).toBe(403);
      expect(response.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
    });
  });
});
