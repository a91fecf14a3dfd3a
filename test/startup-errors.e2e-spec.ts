import type { APIGatewayProxyResult } from 'aws-lambda';
import { httpApiEvent, lambdaContext } from '../local/lambda/api-gateway-events';
import { imageStateChangeEvent } from '../local/lambda/image-builder-events';
import { handler as eventsHandler } from '../src/main.events';
import { handler as statusHandler } from '../src/main.lambda';
import { imageArn } from '../src/testing/image.fixture';
import { expectLambdaStatusContract } from './support/status-contract';

// Each handler builds its application from this process's environment, as on Lambda.
describe('a bad configuration value: a clear error per invocation, never an exit', () => {
  const saved = { ...process.env };
  let exit: jest.SpyInstance;

  beforeEach(() => {
    exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    process.env.STATE_TABLE_NAME = 'spot-runner-state';
  });

  afterEach(() => {
    process.env = { ...saved };
    exit.mockRestore();
  });

  it('answers GET /status with a generic 500 JSON on every invocation, the reason only in the log', async () => {
    // Prepare
    process.env.GITHUB_SERVER_URL = 'ftp://github.example.com';

    // Act
    const first = (await statusHandler(
      httpApiEvent(),
      lambdaContext(25_000),
      () => undefined,
    )) as APIGatewayProxyResult;
    const second = (await statusHandler(
      httpApiEvent(),
      lambdaContext(25_000),
      () => undefined,
    )) as APIGatewayProxyResult;

    // Assess
    for (const response of [first, second]) {
      expectLambdaStatusContract(response);
      expect(response.statusCode).toBe(500);
      expect(JSON.parse(response.body)).toEqual({ status: 'error', message: 'Internal error' });
      expect(response.body).not.toContain('GITHUB_SERVER_URL');
    }
    expect(exit).not.toHaveBeenCalled();
  });

  it('fails each event with the message naming the variable', async () => {
    process.env.CONFIG_PREFIX = 'no-leading-slash';
    const event = imageStateChangeEvent(imageArn('linux-x64', 1), 'AVAILABLE');

    await expect(eventsHandler(event)).rejects.toThrow('Invalid configuration: CONFIG_PREFIX must be');
    await expect(eventsHandler(event)).rejects.toThrow('Invalid configuration: CONFIG_PREFIX must be');
    expect(exit).not.toHaveBeenCalled();
  });
});
