import { generateKeyPairSync, KeyObject, randomBytes, randomUUID, verify } from 'node:crypto';
import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The endpoints the fake serves, each under `/` (github.com) and `/api/v3` (GitHub Enterprise Server). */
export type GitHubEndpoint = 'app' | 'installations' | 'access-tokens' | 'rate-limit';

/** A request as the fake saw it: the headers that matter, never the JWT or a token itself. */
export interface GitHubCall {
  method: string;
  path: string;
  /** The query string without its `?`, when there is one (`per_page=100&page=2`). */
  query?: string;
  headers: { accept?: string; apiVersion?: string; userAgent?: string; hasAuthorization: boolean };
  /** With `access-tokens`: the `permissions` the body asked for, when it asked for any. */
  permissions?: unknown;
  /** The status answered; undefined while waiting, or when the client hung up first. */
  answeredWith?: number;
}

/** One installation of the App, as the fake holds it. */
export interface FakeInstallation {
  id: number;
  /** The organisation it is installed on. */
  account: string;
  suspended: boolean;
  /** `updated_at`, ISO-8601. */
  updatedAt: string;
  /** Its `core` rate limit; `resetAt` undefined: an hour after the fake's now, on each read. */
  rateLimit: { limit: number; remaining: number; resetAt?: string };
}

export type FakeInstallationInit = Partial<Omit<FakeInstallation, 'rateLimit'>> & {
  rateLimit?: Partial<FakeInstallation['rateLimit']>;
};

/** A token the fake minted: the token itself, so tests can look for it where it must not be. */
export interface IssuedToken {
  token: string;
  installationId: number;
  permissions: Record<string, string>;
  expiresAt: string;
}

export interface FakeGitHubApp {
  id: number;
  slug: string;
  /** PKCS#8 PEM ("BEGIN PRIVATE KEY"). */
  privateKeyPem: string;
  /** The same key as GitHub hands it out for download: PKCS#1 ("BEGIN RSA PRIVATE KEY"). */
  pkcs1PrivateKeyPem: string;
}

export type ForcedStatus = 401 | 403 | 404 | 422 | 500;

type Answer = { status: number; body: string; contentType: string; headers?: Record<string, string> };

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
  404: { message: 'Not Found', documentation_url: DOCUMENTATION_URL, secret_hint: SECRET_HINT },
  422: { message: 'Validation Failed', documentation_url: DOCUMENTATION_URL, secret_hint: SECRET_HINT },
  500: { message: 'Server Error', secret_hint: SECRET_HINT },
};
/** What an installation of the fake App may be granted: the App's own permissions. */
const APP_PERMISSIONS: Readonly<Record<string, 'read' | 'write'>> = {
  metadata: 'read',
  actions: 'read',
  organization_self_hosted_runners: 'write',
};
const DEFAULT_INSTALLATION: FakeInstallation = {
  id: 1000001,
  account: 'spot-runner',
  suspended: false,
  updatedAt: '2026-01-05T09:30:00Z',
  rateLimit: { limit: 5000, remaining: 5000 },
};
// GitHub's installation tokens last an hour.
const TOKEN_LIFETIME_MS = 60 * 60_000;
const MAX_REQUEST_BODY_BYTES = 64 * 1024;
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
 * GitHub Enterprise Server does (`<serverUrl>/api/v3/app`): `GET /app` and
 * `GET /app/installations` (paged as GitHub pages, with its `Link` header) with the App JWT,
 * verified as GitHub verifies it; `POST /app/installations/{id}/access_tokens` (the JWT, a
 * suspended installation refused, the permissions asked for checked against the App's);
 * `GET /rate_limit` with one of the tokens it minted, until it expires. With the controls tests
 * need, for every endpoint or one: forced answers, latency, a hook; and the installations,
 * their suspension and rate limits, rate limiting off, the tokens' lifetime, a call log,
 * close and reopen.
 */
export class FakeGitHub {
  readonly calls: GitHubCall[] = [];
  /** Every token minted since the last reset, newest last. */
  readonly tokens: IssuedToken[] = [];

  private readonly server: Server;
  private port = 0;
  private forced?: { status: ForcedStatus; body: string };
  private forcedOn = new Map<GitHubEndpoint, { status: ForcedStatus; body: string }>();
  private latencyMs = 0;
  private latencyOn = new Map<GitHubEndpoint, number>();
  private hook?: { run: () => void | Promise<void>; endpoint?: GitHubEndpoint };
  private now: () => Date = () => new Date();
  private installationList: FakeInstallation[] = [structuredClone(DEFAULT_INSTALLATION)];
  private rateLimiting = true;
  private tokenLifetimeMs = TOKEN_LIFETIME_MS;
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
    this.forced = status === undefined ? undefined : forcedAnswer(status, body);
  }

  /** Every request to `endpoint` is answered with `status` (and `body`) until `answerOn(endpoint, undefined)`. */
  answerOn(endpoint: GitHubEndpoint, status: ForcedStatus | undefined, body?: string): void {
    if (status === undefined) this.forcedOn.delete(endpoint);
    else this.forcedOn.set(endpoint, forcedAnswer(status, body));
  }

  /**
   * Every request (or every request to `endpoint`, which then has this latency whatever the
   * other's) is answered `ms` later, or never if the client hangs up first.
   */
  setLatency(ms: number, endpoint?: GitHubEndpoint): void {
    if (endpoint === undefined) this.latencyMs = ms;
    else this.latencyOn.set(endpoint, ms);
  }

  /** Runs `hook` when a request (to `endpoint`, if given) arrives, before it is answered (to interleave other work). */
  onCall(hook?: () => void | Promise<void>, endpoint?: GitHubEndpoint): void {
    this.hook = hook === undefined ? undefined : { run: hook, endpoint };
  }

  /** The calls to `endpoint`, in order. */
  callsTo(endpoint: GitHubEndpoint): GitHubCall[] {
    return this.calls.filter((call) => routeOf(call.method, call.path)?.endpoint === endpoint);
  }

  /** The App's installations, in id order (the order GitHub lists them in). */
  get installations(): readonly FakeInstallation[] {
    return this.installationList;
  }

  /**
   * The App is installed exactly on these (none: installed nowhere). Ids default to 1000001
   * on, accounts to `org-<n>`, rate limits to 5000 of 5000.
   */
  setInstallations(installations: readonly FakeInstallationInit[]): void {
    this.installationList = installations
      .map((init, index) => ({
        ...DEFAULT_INSTALLATION,
        id: DEFAULT_INSTALLATION.id + index,
        account: `org-${index + 1}`,
        ...init,
        rateLimit: { ...DEFAULT_INSTALLATION.rateLimit, ...init.rateLimit },
      }))
      .sort((a, b) => a.id - b.id);
  }

  /** Suspends an installation (or lifts its suspension): GitHub then mints no token for it. */
  suspend(installationId: number, suspended = true): void {
    this.installation(installationId).suspended = suspended;
  }

  /** What `GET /rate_limit` says of an installation's `core` limit from now on. */
  setRateLimit(installationId: number, rateLimit: Partial<FakeInstallation['rateLimit']>): void {
    const installation = this.installation(installationId);
    installation.rateLimit = { ...installation.rateLimit, ...rateLimit };
  }

  /** Off, `GET /rate_limit` answers 404 "Rate limiting is not enabled.", as GitHub Enterprise Server does. */
  setRateLimiting(enabled: boolean): void {
    this.rateLimiting = enabled;
  }

  /** How long the tokens minted from now on last (an hour, as GitHub's). */
  setTokenLifetime(ms: number): void {
    this.tokenLifetimeMs = ms;
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

  /** Forgets calls, tokens and controls, and installs the App on its one default installation again; keeps the App and its key. */
  reset(): void {
    this.calls.length = 0;
    this.tokens.length = 0;
    this.forced = undefined;
    this.forcedOn.clear();
    this.latencyMs = 0;
    this.latencyOn.clear();
    this.hook = undefined;
    this.now = () => new Date();
    this.installationList = [structuredClone(DEFAULT_INSTALLATION)];
    this.rateLimiting = true;
    this.tokenLifetimeMs = TOKEN_LIFETIME_MS;
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

  private installation(installationId: number): FakeInstallation {
    const installation = this.installationList.find(({ id }) => id === installationId);
    if (installation === undefined) throw new Error(`The fake App has no installation ${installationId}`);
    return installation;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.inFlight++;
    const url = new URL(request.url ?? '/', this.serverUrl);
    const method = request.method ?? 'GET';
    const route = routeOf(method, url.pathname);
    const call: GitHubCall = {
      method,
      path: url.pathname,
      ...(url.search !== '' && { query: url.search.slice(1) }),
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
      // Read the body (and drop what the endpoint does not take), so the connection can carry the next request.
      const body = await readBody(request);
      if (route?.endpoint === 'access-tokens') {
        const permissions = (parseJson(body) as { permissions?: unknown } | undefined)?.permissions;
        if (permissions !== undefined) call.permissions = permissions;
      }
      if (this.hook && (this.hook.endpoint === undefined || this.hook.endpoint === route?.endpoint)) {
        await this.hook.run();
      }
      await delayUnlessClosed(this.latencyOf(route?.endpoint), closed);
      if (clientGone) return;
      const forced = (route && this.forcedOn.get(route.endpoint)) ?? this.forced;
      const answer = forced ? json(forced.status, forced.body) : this.answer(request, url, route, body);
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

  private latencyOf(endpoint: GitHubEndpoint | undefined): number {
    return (endpoint && this.latencyOn.get(endpoint)) ?? this.latencyMs;
  }

  private answer(request: IncomingMessage, url: URL, route: Route | undefined, body: string): Answer {
    if (!request.headers['user-agent']) {
      return { status: 403, body: USER_AGENT_REQUIRED, contentType: 'text/plain; charset=utf-8' };
    }
    if (route === undefined) return notFound();
    if (route.endpoint === 'rate-limit') return this.rateLimitAnswer(request.headers.authorization);
    const rejection = this.jwtRejection(request.headers.authorization);
    if (rejection) {
      return json(401, JSON.stringify({ message: rejection, documentation_url: DOCUMENTATION_URL }));
    }
    switch (route.endpoint) {
      case 'app':
        return json(200, JSON.stringify(this.appBody()));
      case 'installations':
        return this.installationsPage(url, route.prefix);
      case 'access-tokens':
        return this.tokenAnswer(route.installationId ?? 0, body);
    }
  }

  /** A page of the installations, in id order, with GitHub's `Link` header when there are more pages. */
  private installationsPage(url: URL, prefix: string): Answer {
    const perPage = Math.min(100, Math.max(1, integerParam(url, 'per_page') ?? 30));
    const page = Math.max(1, integerParam(url, 'page') ?? 1);
    const lastPage = Math.max(1, Math.ceil(this.installationList.length / perPage));
    const items = this.installationList.slice((page - 1) * perPage, page * perPage);
    const pageUrl = (n: number) =>
      `${this.serverUrl}${prefix}/app/installations?per_page=${perPage}&page=${n}`;
    const links = [
      ...(page > 1 ? [`<${pageUrl(Math.min(page - 1, lastPage))}>; rel="prev"`] : []),
      ...(page < lastPage
        ? [`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(lastPage)}>; rel="last"`]
        : []),
      ...(page > 1 ? [`<${pageUrl(1)}>; rel="first"`] : []),
    ];
    const answer = json(
      200,
      JSON.stringify(items.map((installation) => this.installationBody(installation, prefix))),
    );
    return lastPage > 1 || page > 1 ? { ...answer, headers: { Link: links.join(', ') } } : answer;
  }

  /** `POST /app/installations/{id}/access_tokens`: a token for an active installation, with at most its permissions. */
  private tokenAnswer(installationId: number, body: string): Answer {
    const installation = this.installationList.find(({ id }) => id === installationId);
    if (installation === undefined) return notFound();
    if (installation.suspended) {
      return json(
        403,
        JSON.stringify({
          message: 'This installation has been suspended',
          documentation_url: DOCUMENTATION_URL,
        }),
      );
    }
    const request = body.trim() === '' ? {} : parseJson(body);
    if (typeof request !== 'object' || request === null) {
      return json(
        400,
        JSON.stringify({ message: 'Problems parsing JSON', documentation_url: DOCUMENTATION_URL }),
      );
    }
    const asked = (request as { permissions?: unknown }).permissions;
    const permissions = asked === undefined ? { ...APP_PERMISSIONS } : grantable(asked);
    if (permissions === undefined) {
      return json(
        422,
        JSON.stringify({
          message: 'The permissions requested are not granted to this installation.',
          documentation_url: DOCUMENTATION_URL,
        }),
      );
    }
    const issued: IssuedToken = {
      token: `ghs_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36)}`,
      installationId,
      permissions,
      expiresAt: new Date(this.now().getTime() + this.tokenLifetimeMs)
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
    };
    this.tokens.push(issued);
    return json(
      201,
      JSON.stringify({
        token: issued.token,
        expires_at: issued.expiresAt,
        permissions,
        repository_selection: 'all',
      }),
    );
  }

  /** `GET /rate_limit` with a token the fake minted, not expired, of an installation that still has the App. */
  private rateLimitAnswer(authorization: string | undefined): Answer {
    const value = /^(?:Bearer|token) (\S+)$/i.exec(authorization ?? '')?.[1];
    const issued = this.tokens.find(({ token }) => token === value);
    const installation = this.installationList.find(({ id }) => id === issued?.installationId);
    if (!issued || !installation || Date.parse(issued.expiresAt) <= this.now().getTime()) {
      return json(401, JSON.stringify({ message: 'Bad credentials', documentation_url: DOCUMENTATION_URL }));
    }
    if (!this.rateLimiting) {
      return json(
        404,
        JSON.stringify({ message: 'Rate limiting is not enabled.', documentation_url: DOCUMENTATION_URL }),
      );
    }
    const { limit, remaining, resetAt } = installation.rateLimit;
    const reset = Math.floor(
      (resetAt === undefined ? this.now().getTime() + 3_600_000 : Date.parse(resetAt)) / 1000,
    );
    const core = { limit, used: limit - remaining, remaining, reset, resource: 'core' };
    const other = (name: string, size: number) => ({
      limit: size,
      used: 0,
      remaining: size,
      reset,
      resource: name,
    });
    return json(
      200,
      JSON.stringify({
        resources: {
          core,
          search: other('search', 30),
          graphql: other('graphql', 5000),
          integration_manifest: other('integration_manifest', 5000),
        },
        rate: core,
      }),
    );
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
      permissions: { ...APP_PERMISSIONS },
      events: ['workflow_job'],
    };
  }

  /** An installation as GitHub's `GET /app/installations` describes it. */
  private installationBody(installation: FakeInstallation, prefix: string) {
    const { id, account, suspended, updatedAt } = installation;
    const api = `${this.serverUrl}${prefix}`;
    return {
      id,
      client_id: `Iv23li${this.app.id.toString(16).padStart(14, '0')}`,
      account: {
        login: account,
        id: id + 1_000_000,
        node_id: `O_kgDO${Buffer.from(account).toString('base64url')}`,
        type: 'Organization',
        site_admin: false,
        html_url: `${this.serverUrl}/${account}`,
      },
      repository_selection: 'all',
      access_tokens_url: `${api}/app/installations/${id}/access_tokens`,
      repositories_url: `${api}/installation/repositories`,
      html_url: `${this.serverUrl}/organizations/${account}/settings/installations/${id}`,
      app_id: this.app.id,
      app_slug: this.app.slug,
      target_id: id + 1_000_000,
      target_type: 'Organization',
      permissions: { ...APP_PERMISSIONS },
      events: ['workflow_job'],
      created_at: '2026-01-05T09:30:00Z',
      updated_at: updatedAt,
      single_file_name: null,
      has_multiple_single_files: false,
      single_file_paths: [],
      suspended_by: suspended ? { login: 'site-admin', id: 9, type: 'User', site_admin: true } : null,
      suspended_at: suspended ? updatedAt : null,
    };
  }
}

interface Route {
  endpoint: GitHubEndpoint;
  /** `` (github.com) or `/api/v3` (GitHub Enterprise Server). */
  prefix: string;
  installationId?: number;
}

/** Which endpoint a request is for, under either layout; undefined for anything else (404). */
function routeOf(method: string, pathname: string): Route | undefined {
  const prefix = pathname.startsWith('/api/v3/') ? '/api/v3' : '';
  const path = pathname.slice(prefix.length);
  if (method === 'GET' && path === '/app') return { endpoint: 'app', prefix };
  if (method === 'GET' && path === '/app/installations') return { endpoint: 'installations', prefix };
  if (method === 'GET' && path === '/rate_limit') return { endpoint: 'rate-limit', prefix };
  const token = /^\/app\/installations\/(\d{1,15})\/access_tokens$/.exec(path);
  if (method === 'POST' && token)
    return { endpoint: 'access-tokens', prefix, installationId: Number(token[1]) };
  return undefined;
}

function forcedAnswer(status: ForcedStatus, body?: string) {
  return { status, body: body ?? JSON.stringify(FORCED_BODIES[status]) };
}

function notFound(): Answer {
  return json(404, JSON.stringify({ message: 'Not Found', documentation_url: DOCUMENTATION_URL }));
}

/** The permissions asked for, when the App may grant every one at the level asked; undefined otherwise. */
function grantable(asked: unknown): Record<string, string> | undefined {
  if (typeof asked !== 'object' || asked === null || Array.isArray(asked)) return undefined;
  const entries = Object.entries(asked as Record<string, unknown>);
  const rank = { read: 1, write: 2 } as const;
  for (const [name, level] of entries) {
    const granted = APP_PERMISSIONS[name] as 'read' | 'write' | undefined;
    if ((level !== 'read' && level !== 'write') || granted === undefined || rank[level] > rank[granted]) {
      return undefined;
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function integerParam(url: URL, name: string): number | undefined {
  const value = url.searchParams.get(name);
  return value !== null && /^\d{1,6}$/.test(value) ? Number(value) : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The request's body as text (at most 64 KiB kept), once it has ended or the client has gone. */
function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_REQUEST_BODY_BYTES) chunks.push(chunk);
    });
    const done = () => resolve(Buffer.concat(chunks).toString('utf8'));
    request.once('end', done);
    request.once('close', done);
  });
}

function json(status: number, body: string): Answer {
  return { status, body, contentType: 'application/json; charset=utf-8' };
}

function send(response: ServerResponse, { status, body, contentType, headers }: Answer): void {
  response.writeHead(status, {
    ...headers,
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
