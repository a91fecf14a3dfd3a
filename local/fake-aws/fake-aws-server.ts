import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsError, FailureKind } from './aws-error';
import { FakeImageBuilder } from './fake-image-builder';
import { FakeSecretsManager } from './fake-secrets-manager';
import { FakeSsm } from './fake-ssm';
import { delay, delayUnlessClosed, readBody } from './http-helpers';

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

type CallHook = (input: Record<string, unknown>) => void | Promise<void>;

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
export class FakeAwsServer {
  readonly ssm: FakeSsm;
  readonly imageBuilder: FakeImageBuilder;
  readonly secretsManager: FakeSecretsManager;
  readonly calls: RecordedCall[] = [];

  private readonly server: Server;
  private readonly latencyMs = new Map<FakeOperation | '*', number>();
  private readonly pendingFailures: {
    operation: FakeOperation | '*';
    kind: FailureKind;
    remaining: number;
  }[] = [];
  private readonly failingServices = new Set<FakeService>();
  private readonly hooks = new Map<FakeOperation, CallHook>();
  /** Operations applied although the client gave up on them (AWS does not know it did). */
  private readonly appliedWhenAbandoned = new Set<FakeOperation>();
  /** Operations that are never answered. */
  private readonly held = new Set<FakeOperation>();
  private readonly applyThenFailures: { operation: FakeOperation; kind: FailureKind; remaining: number }[] =
    [];
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(readonly region: string) {
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

  /** Every call to `operation` (or every call, with '*') answers `ms` later. */
  setLatency(operation: FakeOperation | '*', ms: number): void {
    this.latencyMs.set(operation, ms);
  }

  /** The next `count` calls to `operation` fail: throttled, or with a 500. */
  failNext(operation: FakeOperation | '*', count: number, kind: FailureKind = 'throttling'): void {
    this.pendingFailures.push({ operation, kind, remaining: count });
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

  /**
   * Calls to `operation` the client aborts or times out on are applied all the same, once
   * their latency has passed: a ghost write, as AWS may apply a request the client gave up on.
   */
  applyWhenAbandoned(operation: FakeOperation, applied = true): void {
    if (applied) this.appliedWhenAbandoned.add(operation);
    else this.appliedWhenAbandoned.delete(operation);
  }

  /** The next `count` calls to `operation` are applied, then answered with a failure. */
  applyThenFail(operation: FakeOperation, count: number, kind: FailureKind = 'internal-error'): void {
    this.applyThenFailures.push({ operation, kind, remaining: count });
  }

  /** Calls to `operation` are never answered (and never applied, unless abandoned calls are). */
  hold(operation: FakeOperation, held = true): void {
    if (held) this.held.add(operation);
    else this.held.delete(operation);
  }

  /** Runs `hook` when `operation` is called, before it is answered (to interleave a writer). */
  onCall(operation: FakeOperation, hook: CallHook | undefined): void {
    if (hook) this.hooks.set(operation, hook);
    else this.hooks.delete(operation);
  }

  callsTo(operation: FakeOperation): Record<string, unknown>[] {
    return this.calls.filter((call) => call.operation === operation).map((call) => call.input);
  }

  /** Resolves once no request is being answered (also those the client gave up on). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
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
    this.latencyMs.clear();
    this.pendingFailures.length = 0;
    this.failingServices.clear();
    this.hooks.clear();
    this.appliedWhenAbandoned.clear();
    this.held.clear();
    this.applyThenFailures.length = 0;
    this.imageBuilder.shuffleSeed = undefined;
    this.imageBuilder.pageSizeLimit = 25;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.inFlight++;
    let clientGone = false;
    const closed = once(response, 'close').then(() => {
      clientGone = !response.writableFinished;
    });
    try {
      const body = await readBody(request);
      const route = this.route(request, body);
      this.calls.push(route);
      this.checkSignature(request, route.service);
      // A call is held, or applied although abandoned, as the controls were when it arrived.
      const held = this.held.has(route.operation);
      const appliedWhenAbandoned = this.appliedWhenAbandoned.has(route.operation);
      await this.hooks.get(route.operation)?.(route.input);
      const latencyMs = this.latencyMs.get(route.operation) ?? this.latencyMs.get('*') ?? 0;
      if (appliedWhenAbandoned) {
        // AWS takes its time whatever the client does, and applies the call after it.
        await delay(latencyMs);
        if (clientGone || held) {
          this.applyUnanswered(route);
          if (held) await closed;
          return;
        }
      } else {
        await (held ? closed : delayUnlessClosed(latencyMs, closed));
        // Without applyWhenAbandoned, a request the client aborted never takes effect.
        if (clientGone) return;
      }
      this.injectFailure(route);
      const result = this.dispatch(route);
      this.failAfterApplying(route);
      send(response, route.service, 200, result);
    } catch (error) {
      if (clientGone) return;
      const awsError =
        error instanceof AwsError
          ? error
          : new AwsError('InternalFailure', 500, 'The fake failed: ' + String(error));
      sendError(response, serviceOf(request), awsError);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
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

  /** A call nobody reads the answer of: applied, and whatever it would have answered dropped. */
  private applyUnanswered(route: Route): void {
    try {
      this.dispatch(route);
    } catch {
      // AWS refused it: nothing was applied, and nobody hears why.
    }
  }

  /** A failure answered for a call that was applied all the same (applyThenFail). */
  private failAfterApplying(route: Route): void {
    throwNextFailure(this.applyThenFailures, route);
  }

  private injectFailure(route: Route): void {
    if (this.failingServices.has(route.service)) throw internalError(route.service);
    throwNextFailure(this.pendingFailures, route);
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

/** Throws the first failure still due for the route's operation ('*': any), counting it down. */
function throwNextFailure(
  failures: { operation: FakeOperation | '*'; kind: FailureKind; remaining: number }[],
  route: Route,
): void {
  const failure = failures.find(
    (candidate) =>
      candidate.remaining > 0 && (candidate.operation === '*' || candidate.operation === route.operation),
  );
  if (!failure) return;
  failure.remaining--;
  if (failure.kind === 'internal-error') throw internalError(route.service);
  throw route.service === 'imagebuilder'
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
