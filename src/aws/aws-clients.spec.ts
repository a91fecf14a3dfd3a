import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { testConfig } from '../testing/test-config';
import { dynamoDbDocumentClient, SDK_LOGGER_MIDDLEWARE } from './aws-clients';
import { ImageBuilderGateway } from './image-builder.gateway';
import { PrivateKeySecret } from './private-key-secret';
import { RunnerConfigRepository } from './runner-config.repository';

/** The names of a client's middleware, as its stack lists them ("loggerMiddleware - initialize"). */
const middlewareOf = (client: { middlewareStack: { identify(): string[] } }) =>
  client.middlewareStack.identify().map((entry) => entry.split(' ')[0]);

describe('the AWS SDK clients', () => {
  const config = testConfig();

  it('the SDK still names its logger middleware loggerMiddleware: what withoutSdkLogger removes', () => {
    expect(middlewareOf(new DynamoDBClient({ region: config.awsRegion }))).toContain(SDK_LOGGER_MIDDLEWARE);
  });

  it('every client the adapters build has no logger middleware, and keeps the rest of the SDK’s stack', () => {
    // Prepare
    const clients = {
      dynamoDb: dynamoDbDocumentClient(config),
      ssm: new RunnerConfigRepository(config).client,
      imageBuilder: new ImageBuilderGateway(config).client,
      secretsManager: new PrivateKeySecret(config).client,
    };

    // Act
    const stacks = Object.entries(clients).map(([name, client]) => [name, middlewareOf(client)] as const);

    // Assess
    for (const [name, middleware] of stacks) {
      expect({ name, logger: middleware.includes(SDK_LOGGER_MIDDLEWARE) }).toEqual({ name, logger: false });
      expect({ name, middleware }).toEqual({
        name,
        middleware: expect.arrayContaining([
          'serializerMiddleware',
          'retryMiddleware',
          'deserializerMiddleware',
        ]),
      });
    }
    for (const client of Object.values(clients)) client.destroy();
  });
});
