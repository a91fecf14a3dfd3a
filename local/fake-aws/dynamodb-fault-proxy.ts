import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import {
  Agent,
  createServer,
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  request as httpRequest,
  Server,
  ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { FailureKind } from './aws-error';
import { delay, delayUnlessClosed, readBody } from './http-helpers';

/** The operation a call names after `DynamoDB_20120810.` in its X-Amz-Target header. */
export type DynamoDbOperation =
  | 'GetItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'Query'
  | 'Scan'
  | 'BatchGetItem'
  | 'BatchWriteItem'
  | 'TransactGetItems'
  | 'TransactWriteItems'
  | 'CreateTable'
  | 'DescribeTable'
  | 'DeleteTable'
  | (string & {});

export interface DynamoDbCall {
  operation: DynamoDbOperation;
  input: Record<string, unknown>;
}

type CallHook = (input: Record<string, unknown>) => void | Promise<void>;

/** Failures still due for an operation ('*': any). */
interface DueFailures {
  operation: DynamoDbOperation | '*';
  kind: FailureKind;
  remaining: number;
}

/** An answer as the proxy sends it: from the target, or made up. */
interface Answer {
  statusCode: number;
  headers: OutgoingHttpHeaders;
  body: string;
}

const TARGET_PREFIX = 'DynamoDB_20120810.';

/** DynamoDB's JSON 1.0 error answers; the SDK takes the name after the '#' of `__type`. */
const FAILURES: Record<FailureKind, { statusCode: number; type: string; message: string }> = {
  throttling: {
    statusCode: 400,
    type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message:
      'The level of configured provisioned throughput for the table was exceeded. ' +
      'Consider increasing your provisioning level with the UpdateTable API.',
  },
  'internal-error': {
    statusCode: 500,
    type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
    message: 'Internal server error',
  },
};

/** Headers that belong to one connection, or that the proxy sets itself: never relayed. */
const NOT_RELAYED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

/**
 * A loopback HTTP proxy in front of a DynamoDB endpoint (dynalite) that relays every call
 * unchanged, unless a test asks for a partial failure: latency, throttling or 500s before or
 * after the call is applied, calls never answered, calls applied although the client gave up
 * on them. It keeps a log of the calls and runs hooks before forwarding. The controls are
 * those of `FakeAwsServer`.
 */
export class DynamoDbFaultProxy {
  /** Every call received, in order, with its parsed JSON body. */
  readonly calls: DynamoDbCall[] = [];
  /** Where clients reach the proxy: http://127.0.0.1:port. */
  readonly endpoint: string;

  private readonly target: URL;
  private readonly agent = new Agent({ keepAlive: true });
  private readonly latencyMs = new Map<DynamoDbOperation | '*', number>();
  private readonly pendingFailures: DueFailures[] = [];
  private readonly applyThenFailures: DueFailures[] = [];
  private readonly hooks = new Map<DynamoDbOperation, CallHook>();
  /** Operations applied although the client gave up on them (AWS does not know it did). */
  private readonly appliedWhenAbandoned = new Set<DynamoDbOperation>();
  /** Operations that are never answered. */
  private readonly held = new Set<DynamoDbOperation>();
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  private constructor(
    private readonly server: Server,
    targetEndpoint: string,
  ) {
    this.target = new URL(targetEndpoint);
    this.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      void this.handle(request, response);
    });
  }

  /** A proxy on a free loopback port, forwarding to `targetEndpoint` (e.g. dynalite's). */
  static async start(targetEndpoint: string): Promise<DynamoDbFaultProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new DynamoDbFaultProxy(server, targetEndpoint);
  }

  /** Closes every connection, to clients and to the target, and the server. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.agent.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Every call to `operation` (or every call, with '*') is forwarded `ms` later. */
  setLatency(operation: DynamoDbOperation | '*', ms: number): void {
    this.latencyMs.set(operation, ms);
  }

  /** The next `count` calls to `operation` fail, throttled or with a 500, and are not applied. */
  failNext(operation: DynamoDbOperation | '*', count: number, kind: FailureKind = 'throttling'): void {
    this.pendingFailures.push({ operation, kind, remaining: count });
  }

  /** The next `count` calls to `operation` are applied, then answered with a failure. */
  applyThenFail(operation: DynamoDbOperation, count: number, kind: FailureKind = 'internal-error'): void {
    this.applyThenFailures.push({ operation, kind, remaining: count });
  }

  /**
   * Calls to `operation` the client aborts or times out on are applied all the same, once
   * their latency has passed: a ghost write, as AWS may apply a request the client gave up on.
   */
  applyWhenAbandoned(operation: DynamoDbOperation, applied = true): void {
    if (applied) this.appliedWhenAbandoned.add(operation);
    else this.appliedWhenAbandoned.delete(operation);
  }

  /** Calls to `operation` are never answered (and never applied, unless abandoned calls are). */
  hold(operation: DynamoDbOperation, held = true): void {
    if (held) this.held.add(operation);
    else this.held.delete(operation);
  }

  /** Runs `hook` when `operation` is called, before it is forwarded (to interleave a writer). */
  onCall(operation: DynamoDbOperation, hook: CallHook | undefined): void {
    if (hook) this.hooks.set(operation, hook);
    else this.hooks.delete(operation);
  }

  /** The inputs of the calls to `operation`, in order. */
  callsTo(operation: DynamoDbOperation): Record<string, unknown>[] {
    return this.calls.filter((call) => call.operation === operation).map((call) => call.input);
  }

  /** Resolves once no request is being handled (also those the client gave up on). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Forgets calls, latencies, failures, hooks, holds and applyWhenAbandoned. */
  resetControls(): void {
    this.calls.length = 0;
    this.latencyMs.clear();
    this.pendingFailures.length = 0;
    this.applyThenFailures.length = 0;
    this.hooks.clear();
    this.appliedWhenAbandoned.clear();
    this.held.clear();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.inFlight++;
    let clientGone = false;
    const closed = once(response, 'close').then(() => {
      clientGone = !response.writableFinished;
    });
    try {
      const body = await readBody(request);
      const call: DynamoDbCall = { operation: operationOf(request), input: parseInput(body) };
      this.calls.push(call);
      // A call is held, or applied although abandoned, as the controls were when it arrived.
      const held = this.held.has(call.operation);
      const appliedWhenAbandoned = this.appliedWhenAbandoned.has(call.operation);
      await this.hooks.get(call.operation)?.(call.input);
      const latencyMs = this.latencyMs.get(call.operation) ?? this.latencyMs.get('*') ?? 0;
      if (appliedWhenAbandoned) {
        // AWS takes its time whatever the client does, and applies the call after it.
        await delay(latencyMs);
        if (clientGone || held) {
          await this.applyUnanswered(request, body);
          if (held) await closed;
          return;
        }
      } else {
        await (held ? closed : delayUnlessClosed(latencyMs, closed));
        // Without applyWhenAbandoned, a request the client gave up on never takes effect.
        if (clientGone) return;
      }
      send(response, await this.answer(call, request, body));
    } catch (error) {
      if (clientGone) return;
      send(
        response,
        errorAnswer(500, FAILURES['internal-error'].type, 'The fault proxy failed: ' + String(error)),
      );
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /** A failure due before the call is applied; else the target's answer, or a failure due after. */
  private async answer(call: DynamoDbCall, request: IncomingMessage, body: string): Promise<Answer> {
    const failure = takeDueFailure(this.pendingFailures, call.operation);
    if (failure) return failureAnswer(failure);
    const answer = await this.forward(request, body);
    const failureAfterApplying = takeDueFailure(this.applyThenFailures, call.operation);
    return failureAfterApplying ? failureAnswer(failureAfterApplying) : answer;
  }

  /** A call nobody reads the answer of: applied, and whatever the target answers dropped. */
  private async applyUnanswered(request: IncomingMessage, body: string): Promise<void> {
    try {
      await this.forward(request, body);
    } catch {
      // The target could not be reached: nothing was applied, and nobody hears why.
    }
  }

  /** Sends the call to the target as it came (Host aside), and reads the whole answer. */
  private forward(request: IncomingMessage, body: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          protocol: this.target.protocol,
          hostname: this.target.hostname,
          port: this.target.port,
          method: request.method,
          path: request.url,
          agent: this.agent,
          headers: { ...relayedHeaders(request.headers), host: this.target.host },
        },
        (incoming) => {
          readBody(incoming).then(
            (answerBody) =>
              resolve({
                statusCode: incoming.statusCode ?? 500,
                headers: relayedHeaders(incoming.headers),
                body: answerBody,
              }),
            reject,
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.setHeader('content-length', Buffer.byteLength(body));
      outgoing.end(body);
    });
  }
}

/** 'DynamoDB_20120810.PutItem': 'PutItem' (the header as it is, if it has another prefix). */
function operationOf(request: IncomingMessage): DynamoDbOperation {
  const target = request.headers['x-amz-target'];
  if (typeof target !== 'string') return '';
  return target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
}

/** The call's JSON body; {} if it is not a JSON object (the target answers for it). */
function parseInput(body: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // recorded as {} below
  }
  return {};
}

/** The kind of the first failure still due for `operation` ('*': any), counted down. */
function takeDueFailure(failures: DueFailures[], operation: DynamoDbOperation): FailureKind | undefined {
  const due = failures.find(
    (candidate) =>
      candidate.remaining > 0 && (candidate.operation === '*' || candidate.operation === operation),
  );
  if (!due) return undefined;
  due.remaining--;
  return due.kind;
}

function failureAnswer(kind: FailureKind): Answer {
  const { statusCode, type, message } = FAILURES[kind];
  return errorAnswer(statusCode, type, message);
}

function errorAnswer(statusCode: number, type: string, message: string): Answer {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': randomUUID() },
    body: JSON.stringify({ __type: type, message }),
  };
}

function relayedHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(
    Object.entries(headers).filter(([name, value]) => value !== undefined && !NOT_RELAYED.has(name)),
  );
}

function send(response: ServerResponse, answer: Answer): void {
  if (response.headersSent) return;
  response.writeHead(answer.statusCode, {
    ...answer.headers,
    'content-length': Buffer.byteLength(answer.body),
  });
  response.end(answer.body);
}
