import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Inject, Injectable, OnApplicationShutdown, Provider } from '@nestjs/common';
import { AppConfig, appConfig } from '../config/app-config';

/**
 * Shared by every client. Endpoints are left to the SDK's own settings
 * (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL_IMAGEBUILDER).
 */
export function clientSettings(config: AppConfig) {
  return {
    region: config.awsRegion,
    retryMode: 'standard' as const,
    // Bound each attempt so one hung connection cannot eat the whole Lambda timeout. Without
    // throwOnRequestTimeout this SDK only logs a warning when requestTimeout passes.
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
  };
}

/** The SDK's logger middleware, by the name its stack knows it by. */
export const SDK_LOGGER_MIDDLEWARE = 'loggerMiddleware';

/**
 * `client` without the SDK's logger middleware. No client here is given a logger, yet that
 * middleware walks every command's input and output through its schema, to redact them for
 * the default logger, which discards them: for the job records' outcome queries (hundreds
 * of items) a cold GET /status spent milliseconds of CPU and garbage on it (docs/benchmarks.md).
 * The client is otherwise the SDK's own, endpoints and all.
 */
export function withoutSdkLogger<Client extends { middlewareStack: { remove(name: string): boolean } }>(
  client: Client,
): Client {
  client.middlewareStack.remove(SDK_LOGGER_MIDDLEWARE);
  return client;
}

/** The DynamoDB client, built from the validated configuration. */
export function dynamoDbDocumentClient(config: AppConfig): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(withoutSdkLogger(new DynamoDBClient(clientSettings(config))), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** One DynamoDB client per container. */
export const dynamoDbClientProvider: Provider = {
  provide: DynamoDBDocumentClient,
  inject: [appConfig.KEY],
  useFactory: dynamoDbDocumentClient,
};

/** Closes the DynamoDB client's sockets when the application closes (tests, the local server). */
@Injectable()
export class DynamoDbClientShutdown implements OnApplicationShutdown {
  constructor(@Inject(DynamoDBDocumentClient) private readonly dynamoDb: DynamoDBDocumentClient) {}

  onApplicationShutdown(): void {
    this.dynamoDb.destroy();
  }
}

/**
 * A client built on first use: a cold GET /status with nothing stale or pending never needs
 * SSM or Image Builder, so it does not pay for building their clients.
 */
export class LazyClient<Client extends { destroy(): void }> {
  private instance: Client | undefined;

  constructor(private readonly create: () => Client) {}

  get client(): Client {
    this.instance ??= this.create();
    return this.instance;
  }

  destroy(): void {
    this.instance?.destroy();
  }
}
