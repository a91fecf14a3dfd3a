import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsError, FailureKind } from './aws-error';
import { CallControls } from './call-controls';
import { FakeImageBuilder } from './fake-image-builder';
import { FakeSecretsManager } from './fake-secrets-manager';
import { FakeSsm } from './fake-ssm';
import { readBody } from './http-helpers';

export type FakeService = 'ssm' | 'imagebuilder' | 'secretsmanager';
export type FakeOperation =
  | 'GetParameter'
  | 'GetParameters'
  | 'PutParameter'
  | 'ListImagePipelines'
  | 'ListImagePipelineImages'
  | 'GetImage'
  | 'GetSecretValue';

export interface RecordedCall {
  service: FakeService;
  operation: FakeOperation;
  input: Record<string, unknown>;
}

interface Route {
  service: FakeService;
  operation: FakeOperation;
  input: Record<string, unknown>;
}

/** The X-Amz-Target prefix of each JSON 1.1 service, and the operations served. */
const JSON_TARGETS: Record<string, { service: FakeService; operations: readonly FakeOperation[] }> = {
  'AmazonSSM.': { service: 'ssm', operations: ['GetParameter', 'GetParameters', 'PutParameter'] },
  'secretsmanager.': { service: 'secretsmanager', operations: ['GetSecretValue'] },
};

/**
 * SSM and Secrets Manager (JSON 1.1 over X-Amz-Target) and Image Builder (REST-JSON) on one
 * loopback port, for the operations the status service calls, with AWS's limits and error
 * shapes, and the controls tests need: latency, injected failures, list shuffling, a call
 * log, hooks.
 */
export class FakeAwsServer extends CallControls<FakeOperation> {
  readonly ssm: FakeSsm;
  readonly imageBuilder: FakeImageBuilder;
  readonly secretsManager: FakeSecretsManager;
  readonly calls: RecordedCall[] = [];

  private readonly server: Server;
  private readonly failingServices = new Set<FakeService>();

  constructor(readonly region: string) {
    super();
    this.ssm = new FakeSsm(region);
    this.imageBuilder = new FakeImageBuilder(region);
    this.secretsManager = new FakeSecretsManager(region);
    this.server = createServer((request, response) => void this.handle(request, response));
  }

  async listen(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Every call to `service` fails with a 500 until `failAlways(service, false)`. */
  failAlways(service: FakeService, failing = true): void {
    if (failing) this.failingServices.add(service);
    else this.failingServices.delete(service);
  }

  /** List operations return items in a fixed pseudo-random order derived from `seed`. */
  shuffleLists(seed: string | undefined = 'shuffle'): void {
    this.imageBuilder.shuffleSeed = seed;
  }

  callsTo(operation: FakeOperation): Record<string, unknown>[] {
    return this.calls.filter((call) => call.operation === operation).map((call) => call.input);
  }

  /** Forgets the seeded state and every control: a fresh SSM, Image Builder and Secrets Manager. */
  reset(): void {
    this.resetControls();
    this.ssm.clear();
    this.imageBuilder.clear();
    this.secretsManager.clear();
  }

  /** Forgets calls, latencies, failures, hooks and shuffling; keeps the seeded state. */
  resetControls(): void {
    this.calls.length = 0;
    this.clearControls();
    this.failingServices.clear();
    this.imageBuilder.shuffleSeed = undefined;
    this.imageBuilder.pageSizeLimit = 25;
  }

  private handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    return this.track(async () => {
      const client = CallControls.watch(response);
      try {
        const body = await readBody(request);
        const route = this.route(request, body);
        this.calls.push(route);
        this.checkSignature(request, route.service);
        const passage = await this.pass(route.operation, route.input, client, () => {
          if (this.failingServices.has(route.service)) throw internalError(route.service);
          return this.dispatch(route);
        });
        if (passage.kind === 'answered') send(response, route.service, 200, passage.result);
        if (passage.kind === 'failed')
          sendError(response, route.service, failure(route.service, passage.failure));
      } catch (error) {
        if (client.gone()) return;
        const awsError =
          error instanceof AwsError
            ? error
            : new AwsError('InternalFailure', 500, 'The fake failed: ' + String(error));
        sendError(response, serviceOf(request), awsError);
      }
    });
  }

  private route(request: IncomingMessage, body: string): Route {
    const target = request.headers['x-amz-target'];
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (typeof target === 'string') {
      const { served, operation } = splitTarget(target);
      if (!served?.operations.includes(operation)) {
        throw new AwsError('UnknownOperationException', 400, `Operation ${target} is not supported here`);
      }
      return { service: served.service, operation, input: parseJson(body) };
    }
    if (request.method === 'GET' && url.pathname === '/GetImage') {
      return { service: 'imagebuilder', operation: 'GetImage', input: Object.fromEntries(url.searchParams) };
    }
    if (request.method === 'POST' && url.pathname === '/ListImagePipelines') {
      return { service: 'imagebuilder', operation: 'ListImagePipelines', input: parseJson(body) };
    }
    if (request.method === 'POST' && url.pathname === '/ListImagePipelineImages') {
      return { service: 'imagebuilder', operation: 'ListImagePipelineImages', input: parseJson(body) };
    }
    throw new AwsError(
      'UnknownOperationException',
      404,
      `${request.method} ${url.pathname} is not supported here`,
    );
  }

  /** Catches a client pointed at the wrong endpoint: the SigV4 scope must name this service. */
  private checkSignature(request: IncomingMessage, service: FakeService): void {
    const authorization = request.headers.authorization ?? '';
    if (
      !authorization.startsWith('AWS4-HMAC-SHA256 ') ||
      !authorization.includes(`/${service}/aws4_request`)
    ) {
      throw new AwsError(
        service === 'imagebuilder' ? 'ForbiddenException' : 'UnrecognizedClientException',
        403,
        `Request is not signed for ${service}`,
      );
    }
  }

  private dispatch(route: Route): unknown {
    switch (route.operation) {
      case 'GetParameter':
        return this.ssm.getParameter(route.input);
      case 'GetParameters':
        return this.ssm.getParameters(route.input);
      case 'PutParameter':
        return this.ssm.putParameter(route.input);
      case 'ListImagePipelines':
        return this.imageBuilder.listImagePipelines(route.input);
      case 'ListImagePipelineImages':
        return this.imageBuilder.listImagePipelineImages(route.input);
      case 'GetImage':
        return this.imageBuilder.getImage(route.input);
      case 'GetSecretValue':
        return this.secretsManager.getSecretValue(route.input);
    }
  }
}

const INTERNAL_ERROR_TYPES: Record<FakeService, string> = {
  ssm: 'InternalServerError',
  imagebuilder: 'ServiceException',
  secretsmanager: 'InternalServiceError',
};

/** The error a due failure answers: throttled as the service throttles, or its 500. */
function failure(service: FakeService, kind: FailureKind): AwsError {
  if (kind === 'internal-error') return internalError(service);
  return service === 'imagebuilder'
    ? new AwsError('CallRateLimitExceededException', 429, 'Rate exceeded')
    : new AwsError('ThrottlingException', 400, 'Rate exceeded');
}

function internalError(service: FakeService): AwsError {
  return new AwsError(INTERNAL_ERROR_TYPES[service], 500, 'An internal error occurred');
}

/** The service a request is for, as far as its protocol says (for the shape of an error). */
function serviceOf(request: IncomingMessage): FakeService {
  const target = request.headers['x-amz-target'];
  if (typeof target !== 'string') return 'imagebuilder';
  return splitTarget(target).served?.service ?? 'ssm';
}

/** 'AmazonSSM.GetParameter': the JSON 1.1 service its prefix names, and the operation. */
function splitTarget(target: string) {
  const dot = target.indexOf('.') + 1;
  return { served: JSON_TARGETS[target.slice(0, dot)], operation: target.slice(dot) as FakeOperation };
}

function send(response: ServerResponse, service: FakeService, statusCode: number, body: unknown): void {
  const json = JSON.stringify(body);
  response.writeHead(statusCode, {
    'Content-Type': service === 'imagebuilder' ? 'application/json' : 'application/x-amz-json-1.1',
    'Content-Length': Buffer.byteLength(json),
    'x-amzn-RequestId': randomUUID(),
  });
  response.end(json);
}

/** JSON 1.1 names the error in `__type`; REST-JSON in the `x-amzn-ErrorType` header. */
function sendError(response: ServerResponse, service: FakeService, error: AwsError): void {
  if (response.headersSent) return;
  if (service !== 'imagebuilder') {
    send(response, service, error.statusCode, { __type: error.type, message: error.message });
    return;
  }
  response.setHeader('x-amzn-ErrorType', error.type);
  send(response, service, error.statusCode, { message: error.message });
}

function parseJson(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // answered below
  }
  throw new AwsError('SerializationException', 400, 'The request body is not a JSON object');
}
