import { generateKeyPairSync, KeyObject, randomUUID, verify } from 'node:crypto';
import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the fake saw it: the headers that matter, never the token itself. */
export interface GitHubCall {
  method: string;
  path: string;
  headers: { accept?: string; apiVersion?: string; userAgent?: string; hasAuthorization: boolean };
  /** The status answered; undefined while waiting, or when the client hung up first. */
  answeredWith?: number;
}

export interface FakeGitHubApp {
  id: number;
  slug: string;
  /** PKCS#8 PEM ("BEGIN PRIVATE KEY"). */
  privateKeyPem: string;
  /** The same key as GitHub hands it out for download: PKCS#1 ("BEGIN RSA PRIVATE KEY"). */
  pkcs1PrivateKeyPem: string;
}

export type ForcedStatus = 401 | 403 | 500;

type Answer = { status: number; body: string; contentType: string };

const DOCUMENTATION_URL = 'https://docs.github.com/rest';
// A marker in forced bodies lets tests prove that GitHub's words never reach a response or a log.
const SECRET_HINT = 'fake-github-error-body';
const FORCED_BODIES: Record<ForcedStatus, object> = {
  401: { message: 'Bad credentials', documentation_url: DOCUMENTATION_URL, secret_hint: SECRET_HINT },
  403: {
    message: 'Resource not accessible by integration',
    documentation_url: DOCUMENTATION_URL,
    secret_hint: SECRET_HINT,
  },
  500: { message: 'Server Error', secret_hint: SECRET_HINT },
};
const USER_AGENT_REQUIRED =
  'Request forbidden by administrative rules. Please make sure your request has a User-Agent header ' +
  '(https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). ' +
  'Check https://developer.github.com for other possible causes.\n';
const NOT_DECODED = 'A JSON web token could not be decoded';
// GitHub's limits for an App JWT: at most 10 minutes long, `iat` at most 60 s ahead of its clock.
const MAX_JWT_LIFETIME_S = 600;
const MAX_CLOCK_DRIFT_S = 60;

/**
 * GitHub's REST API for a GitHub App on loopback, both as github.com lays it out (`/app`) and as
 * GitHub Enterprise Server does (`<serverUrl>/api/v3/app`): verifies the App JWT as GitHub does,
 * with the controls tests need: forced answers, latency, a call log, a hook, close and reopen.
 */
export class FakeGitHub {
  readonly calls: GitHubCall[] = [];

  private readonly server: Server;
  private port = 0;
  private forced?: { status: ForcedStatus; body: string };
  private latencyMs = 0;
  private hook?: () => void | Promise<void>;
  private now: () => Date = () => new Date();
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  private constructor(
    readonly app: FakeGitHubApp,
    private readonly publicKey: KeyObject,
  ) {
    this.server = createServer((request, response) => void this.handle(request, response));
  }

  /** A new App with a fresh RSA key, served on a free loopback port. */
  static async start({ appId = 424242, slug = 'spot-runner-local' } = {}): Promise<FakeGitHub> {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const app = {
      id: appId,
      slug,
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      pkcs1PrivateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
    };
    const github = new FakeGitHub(app, publicKey);
    await github.listen(0);
    return github;
  }

  /** What GITHUB_SERVER_URL is for GitHub Enterprise Server; its API is `<serverUrl>/api/v3`. */
  get serverUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Every request is answered with `status` (and `body`) until `answerWith(undefined)`. */
  answerWith(status: ForcedStatus | undefined, body?: string): void {
    this.forced =
      status === undefined ? undefined : { status, body: body ?? JSON.stringify(FORCED_BODIES[status]) };
  }

  /** Every request is answered `ms` later, or never if the client hangs up first. */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Runs `hook` when a request arrives, before it is answered (to interleave other work). */
  onCall(hook?: () => void | Promise<void>): void {
    this.hook = hook;
  }

  /** The clock the JWT's `iat` and `exp` are checked against, as GitHub checks them against its own. */
  setClock(now: () => Date = () => new Date()): void {
    this.now = now;
  }

  /** Resolves once no request is being answered (also those the client gave up on). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Forgets calls and controls; keeps the App and its key. */
  reset(): void {
    this.calls.length = 0;
    this.forced = undefined;
    this.latencyMs = 0;
    this.hook = undefined;
    this.now = () => new Date();
  }

  /** Stops listening and drops every connection: connecting to `serverUrl` is then refused. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
    // A client in this process sees its keep-alive connections drop only when its event loop next
    // polls: wait for that, so its next request connects afresh and is refused, as by a closed port.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** Listens again on the same port (nothing to do while listening). */
  async reopen(): Promise<void> {
    if (!this.server.listening) await this.listen(this.port);
  }

  private async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.inFlight++;
    const call: GitHubCall = {
      method: request.method ?? 'GET',
      path: new URL(request.url ?? '/', this.serverUrl).pathname,
      headers: {
        accept: request.headers.accept,
        apiVersion: header(request, 'x-github-api-version'),
        userAgent: request.headers['user-agent'],
        hasAuthorization: request.headers.authorization !== undefined,
      },
      answeredWith: undefined,
    };
    this.calls.push(call);
    let clientGone = false;
    const closed = once(response, 'close').then(() => {
      clientGone = !response.writableFinished;
    });
    try {
      // Read and drop any body, so the connection can carry the client's next request.
      request.resume();
      await this.hook?.();
      await delayUnlessClosed(this.latencyMs, closed);
      if (clientGone) return;
      const answer = this.forced
        ? json(this.forced.status, this.forced.body)
        : this.answer(request, call.path);
      send(response, answer);
      call.answeredWith = answer.status;
    } catch (error) {
      if (clientGone || response.headersSent) return;
      send(response, json(500, JSON.stringify({ message: 'The fake failed: ' + String(error) })));
      call.answeredWith = 500;
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private answer(request: IncomingMessage, path: string): Answer {
    if (!request.headers['user-agent']) {
      return { status: 403, body: USER_AGENT_REQUIRED, contentType: 'text/plain; charset=utf-8' };
    }
    if (request.method !== 'GET' || (path !== '/app' && path !== '/api/v3/app')) {
      return json(404, JSON.stringify({ message: 'Not Found', documentation_url: DOCUMENTATION_URL }));
    }
    const rejection = this.jwtRejection(request.headers.authorization);
    if (rejection) {
      return json(401, JSON.stringify({ message: rejection, documentation_url: DOCUMENTATION_URL }));
    }
    return json(200, JSON.stringify(this.appBody()));
  }

  /** Why GitHub would refuse this Authorization as the App's JWT, or undefined when it accepts it. */
  private jwtRejection(authorization: string | undefined): string | undefined {
    const parts = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1].split('.') ?? [];
    if (parts.length !== 3) return NOT_DECODED;
    const [header, claims] = [decodeJson(parts[0]), decodeJson(parts[1])];
    if (header?.alg !== 'RS256' || !claims) return NOT_DECODED;
    const { iss, iat, exp } = claims;
    // GitHub finds the App by `iss` before it has a key to check the signature with.
    if ((typeof iss !== 'number' && typeof iss !== 'string') || String(iss) !== String(this.app.id)) {
      return 'Integration not found';
    }
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    if (!verify('RSA-SHA256', signed, this.publicKey, Buffer.from(parts[2], 'base64url'))) return NOT_DECODED;
    const now = Math.floor(this.now().getTime() / 1000);
    if (typeof iat !== 'number' || iat > now + MAX_CLOCK_DRIFT_S) {
      return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
    }
    if (typeof exp !== 'number' || exp <= now) {
      return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
    }
    if (exp - iat > MAX_JWT_LIFETIME_S) return "'Expiration time' claim ('exp') is too far in the future";
    return undefined;
  }

  /** The App as GitHub's `GET /app` describes it. */
  private appBody() {
    const { id, slug } = this.app;
    return {
      id,
      client_id: `Iv23li${id.toString(16).padStart(14, '0')}`,
      slug,
      node_id: `A_kwHO${Buffer.from(`App${id}`).toString('base64url')}`,
      owner: {
        login: 'spot-runner',
        id: 1,
        node_id: 'O_kgDOAAAAAQ',
        type: 'Organization',
        site_admin: false,
        html_url: `${this.serverUrl}/spot-runner`,
      },
      name: 'Spot Runner (local)',
      description: 'Registers spot runners for the platform (fake GitHub App).',
      external_url: `${this.serverUrl}/spot-runner`,
      html_url: `${this.serverUrl}/apps/${slug}`,
      created_at: '2026-01-05T09:00:00Z',
      updated_at: '2026-01-05T09:00:00Z',
      permissions: { metadata: 'read', actions: 'read', organization_self_hosted_runners: 'write' },
      events: ['workflow_job'],
    };
  }
}

function json(status: number, body: string): Answer {
  return { status, body, contentType: 'application/json; charset=utf-8' };
}

function send(response: ServerResponse, { status, body, contentType }: Answer): void {
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'X-GitHub-Media-Type': 'github.v3; format=json',
    'X-GitHub-Request-Id': randomUUID(),
  });
  response.end(body);
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Waits `ms`, or less if the client hangs up first (it will not read the answer). */
async function delayUnlessClosed(ms: number, closed: Promise<void>): Promise<void> {
  if (ms <= 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, ms))), closed]);
  clearTimeout(timer);
}
