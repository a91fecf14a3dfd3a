import { randomUUID } from 'node:crypto';
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
import { CallControls } from './call-controls';
import { delayUnlessClosed, readBody } from './http-helpers';

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
  /** When the proxy received it, in epoch ms (`Date.now()`), to tell apart the calls of invocations. */
  receivedAt: number;
  /** What the target answered, once it has (never for a call failed or held before it was applied). */
  answer?: DynamoDbAnswer;
  /** How long the target took to answer, in ms: dynalite's own time, to set beside the model's. */
  targetMs?: number;
  /** The service time the model gave the answer (`modelServiceTime`), when a model was on. */
  modelledMs?: number;
}

/** What an answer of the target said about the work it did: a bench sums them. */
export interface DynamoDbAnswer {
  statusCode: number;
  /** Entries a Query or Scan read (before its filter), which is what it is billed and takes time for. */
  scannedCount?: number;
  /** Entries it returned (after its filter). */
  count?: number;
  /** `ConsumedCapacity.CapacityUnits`: only when the call asked `ReturnConsumedCapacity`. */
  capacityUnits?: number;
}

/**
 * DynamoDB's time to serve a Query or Scan page: a fixed cost (the round trip, the request's
 * handling) and a cost per entry read. DynamoDB serves pages concurrently; dynalite serves
 * them one at a time in one thread, so the proxy holds each answer instead, with timers.
 */
export interface ServiceTimeModel {
  fixedMs: number;
  perEntryMs: number;
}

/** An answer as the proxy sends it: from the target, or made up. */
interface Answer {
  statusCode: number;
  headers: OutgoingHttpHeaders;
  body: string;
}

/** The target's answer to an applied call, and when the model lets it be sent (performance.now()). */
interface AppliedCall {
  answer: Answer;
  dueAt: number;
}

/** The operations whose answers the service time model holds: the reads that page. */
const MODELLED_OPERATIONS: ReadonlySet<DynamoDbOperation> = new Set(['Query', 'Scan']);

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
 * on them; or, for benchmarks, DynamoDB's service time (`modelServiceTime`). It keeps a log of
 * the calls and what their answers said, and runs hooks before forwarding. The controls are
 * `CallControls`, shared with `FakeAwsServer`.
 */
export class DynamoDbFaultProxy extends CallControls<DynamoDbOperation> {
  /** Every call received, in order, with its parsed JSON body and what its answer said. */
  readonly calls: DynamoDbCall[] = [];
  /** Where clients reach the proxy: http://127.0.0.1:port. */
  readonly endpoint: string;

  private readonly target: URL;
  private readonly agent = new Agent({ keepAlive: true });
  private serviceTime: ServiceTimeModel | undefined;

  private constructor(
    private readonly server: Server,
    targetEndpoint: string,
  ) {
    super();
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

  /** The inputs of the calls to `operation`, in order. */
  callsTo(operation: DynamoDbOperation): Record<string, unknown>[] {
    return this.calls.filter((call) => call.operation === operation).map((call) => call.input);
  }

  /**
   * Each Query and Scan answer is sent `fixedMs + perEntryMs × ScannedCount` after the call
   * was forwarded (at once if the target took longer), so calls sent together overlap as on
   * DynamoDB; `undefined` turns the model off. The target's own time counts in it: it stands
   * for the same work. Latency set by `setLatency` comes before, as the network's.
   */
  modelServiceTime(model: ServiceTimeModel | undefined): void {
    this.serviceTime = model;
  }

  /** Forgets the calls received so far; the controls stay as they are. */
  clearCalls(): void {
    this.calls.length = 0;
  }

  /** Forgets calls, latencies, failures, hooks, holds, applyWhenAbandoned and the service time model. */
  resetControls(): void {
    this.clearCalls();
    this.serviceTime = undefined;
    this.clearControls();
  }

  private handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    return this.track(async () => {
      const client = CallControls.watch(response);
      try {
        const receivedAt = Date.now();
        const body = await readBody(request);
        const call: DynamoDbCall = {
          operation: operationOf(request),
          input: parseJsonObject(body),
          receivedAt,
        };
        this.calls.push(call);
        const passage = await this.pass(call.operation, call.input, client, () =>
          this.apply(call, request, body),
        );
        if (passage.kind === 'answered') {
          await delayUnlessClosed(passage.result.dueAt - performance.now(), client.closed);
          if (client.gone()) return;
          send(response, passage.result.answer);
        }
        if (passage.kind === 'failed') send(response, failureAnswer(passage.failure));
      } catch (error) {
        if (client.gone()) return;
        send(
          response,
          errorAnswer(500, FAILURES['internal-error'].type, 'The fault proxy failed: ' + String(error)),
        );
      }
    });
  }

  /** Forwards the call, notes what the target answered and when the model lets it be sent. */
  private async apply(call: DynamoDbCall, request: IncomingMessage, body: string): Promise<AppliedCall> {
    const forwardedAt = performance.now();
    const answer = await this.forward(request, body);
    call.targetMs = performance.now() - forwardedAt;
    call.answer = summaryOf(answer);
    if (this.serviceTime === undefined || !MODELLED_OPERATIONS.has(call.operation)) {
      return { answer, dueAt: forwardedAt };
    }
    const { fixedMs, perEntryMs } = this.serviceTime;
    call.modelledMs = fixedMs + perEntryMs * (call.answer.scannedCount ?? 0);
    return { answer, dueAt: forwardedAt + call.modelledMs };
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

/** A call's or an answer's JSON body; {} if it is not a JSON object (the target answers for a call). */
function parseJsonObject(body: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // taken as {} below
  }
  return {};
}

/** The counts and capacity an answer carries; only its status if its body is no JSON object. */
function summaryOf(answer: Answer): DynamoDbAnswer {
  const body = parseJsonObject(answer.body);
  const consumed = body.ConsumedCapacity as { CapacityUnits?: unknown } | undefined;
  return {
    statusCode: answer.statusCode,
    ...numberField('scannedCount', body.ScannedCount),
    ...numberField('count', body.Count),
    ...numberField('capacityUnits', consumed?.CapacityUnits),
  };
}

function numberField<K extends string>(name: K, value: unknown): Partial<Record<K, number>> {
  return typeof value === 'number' ? ({ [name]: value } as Record<K, number>) : {};
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
