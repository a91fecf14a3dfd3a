import { generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import githubAppJwt from 'universal-github-app-jwt';
import { FakeGitHub } from './fake-github';

const HEADERS = {
  Accept: 'application/vnd.github+json',
  'X-GitHub-Api-Version': '2022-11-28',
  'User-Agent': 'fake-github-spec',
};

/** A JWT with exactly the header and claims a test means, signed with node:crypto. */
function signJwt(
  claims: Record<string, unknown>,
  key: string | KeyObject,
  header: object = { alg: 'RS256' },
) {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const signingInput = `${encode({ typ: 'JWT', ...header })}.${encode(claims)}`;
  return `${signingInput}.${sign('RSA-SHA256', Buffer.from(signingInput), key).toString('base64url')}`;
}

const nowS = () => Math.floor(Date.now() / 1000);
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe(FakeGitHub.name, () => {
  let github: FakeGitHub;

  beforeAll(async () => {
    github = await FakeGitHub.start();
  });

  afterAll(() => github.close());

  afterEach(async () => {
    await github.reopen();
    github.reset();
  });

  const validJwt = () =>
    signJwt({ iss: github.app.id, iat: nowS() - 60, exp: nowS() + 540 }, github.app.privateKeyPem);
  const getApp = (jwt?: string, init: RequestInit = {}, path = '/api/v3/app') =>
    fetch(`${github.serverUrl}${path}`, {
      headers: { ...HEADERS, ...(jwt && { Authorization: `Bearer ${jwt}` }) },
      ...init,
    });

  describe('GET /app with the App JWT', () => {
    it.each([
      ['PKCS#8', 'privateKeyPem'],
      ['PKCS#1', 'pkcs1PrivateKeyPem'],
    ] as const)(
      'accepts what universal-github-app-jwt signs with the %s key: 200 with the App',
      async (_, key) => {
        const { token } = await githubAppJwt({ id: github.app.id, privateKey: github.app[key] });

        const response = await getApp(token);

        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(await response.json()).toMatchObject({
          id: 424242,
          slug: 'spot-runner-local',
          owner: { login: 'spot-runner', type: 'Organization' },
          html_url: `${github.serverUrl}/apps/spot-runner-local`,
          permissions: expect.any(Object),
          events: expect.any(Array),
        });
      },
    );

    it('serves the github.com API root (GET /app) and takes the App id as a numeric string', async () => {
      const jwt = signJwt({ iss: '424242', iat: nowS() - 60, exp: nowS() + 540 }, github.app.privateKeyPem);

      const response = await getApp(jwt, {}, '/app');

      expect(response.status).toBe(200);
      expect(github.calls.map((call) => call.path)).toEqual(['/app']);
    });

    it('start() takes the App id and slug', async () => {
      const other = await FakeGitHub.start({ appId: 7, slug: 'other-app' });
      try {
        const { token } = await githubAppJwt({ id: 7, privateKey: other.app.pkcs1PrivateKeyPem });

        const response = await fetch(`${other.serverUrl}/api/v3/app`, {
          headers: { ...HEADERS, Authorization: `Bearer ${token}` },
        });

        expect(await response.json()).toMatchObject({ id: 7, slug: 'other-app' });
        expect(other.app.pkcs1PrivateKeyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
        expect(other.app.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
      } finally {
        await other.close();
      }
    });

    it('checks iat and exp against the clock it is given', async () => {
      const later = Date.parse('2030-06-01T00:00:00Z');
      const { token } = await githubAppJwt({
        id: github.app.id,
        privateKey: github.app.privateKeyPem,
        now: later / 1000,
      });

      const onItsOwnClock = await getApp(token);
      github.setClock(() => new Date(later));
      const onTheGivenClock = await getApp(token);

      expect([onItsOwnClock.status, onTheGivenClock.status]).toEqual([401, 200]);
    });
  });

  const api = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    fetch(`${github.serverUrl}/api/v3${path}`, { ...init, headers: { ...HEADERS, ...init.headers } });
  const asApp = (jwt = validJwt()) => ({ Authorization: `Bearer ${jwt}` });
  const listInstallations = (query = '', jwt = validJwt()) =>
    api(`/app/installations${query}`, { headers: asApp(jwt) });
  const mintToken = (id = github.installations[0].id, body?: object, headers = asApp()) =>
    api(`/app/installations/${id}/access_tokens`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      ...(body && { body: JSON.stringify(body) }),
    });
  const tokenOf = async (response: Response) => ((await response.json()) as { token: string }).token;
  const rateLimit = (authorization?: string) =>
    api('/rate_limit', { headers: authorization === undefined ? {} : { Authorization: authorization } });

  describe('GET /app/installations with the App JWT', () => {
    it('lists the App’s one default installation as GitHub describes it, on one page without a Link', async () => {
      const response = await listInstallations();

      expect(response.status).toBe(200);
      expect(response.headers.get('link')).toBeNull();
      expect(await response.json()).toEqual([
        expect.objectContaining({
          id: 1000001,
          account: expect.objectContaining({ login: 'spot-runner', type: 'Organization' }),
          app_id: 424242,
          app_slug: 'spot-runner-local',
          access_tokens_url: `${github.serverUrl}/api/v3/app/installations/1000001/access_tokens`,
          updated_at: '2026-01-05T09:30:00Z',
          suspended_at: null,
          suspended_by: null,
        }),
      ]);
    });

    it('pages as GitHub does: 30 by default, per_page up to 100, with rel next, last, prev and first', async () => {
      // Prepare
      github.setInstallations(Array.from({ length: 250 }, () => ({})));
      const page = (n: number, perPage = 100) =>
        `<${github.serverUrl}/api/v3/app/installations?per_page=${perPage}&page=${n}>`;

      // Act
      const byDefault = await listInstallations();
      const first = await listInstallations('?per_page=100');
      const middle = await listInstallations('?per_page=100&page=2');
      const last = await listInstallations('?per_page=100&page=3');
      const tooMany = await listInstallations('?per_page=500');

      // Assess
      expect(((await byDefault.json()) as unknown[]).length).toBe(30);
      expect(((await first.json()) as unknown[]).length).toBe(100);
      expect(first.headers.get('link')).toBe(`${page(2)}; rel="next", ${page(3)}; rel="last"`);
      expect(middle.headers.get('link')).toBe(
        `${page(1)}; rel="prev", ${page(3)}; rel="next", ${page(3)}; rel="last", ${page(1)}; rel="first"`,
      );
      expect(((await last.json()) as { id: number }[]).map(({ id }) => id)).toEqual(
        Array.from({ length: 50 }, (_, index) => 1000001 + 200 + index),
      );
      expect(last.headers.get('link')).toBe(`${page(2)}; rel="prev", ${page(1)}; rel="first"`);
      expect(((await tooMany.json()) as unknown[]).length).toBe(100);
    });

    it('links the pages under the API root the request came in on (github.com’s layout)', async () => {
      github.setInstallations([{}, {}]);

      const response = await fetch(`${github.serverUrl}/app/installations?per_page=1`, {
        headers: { ...HEADERS, ...asApp() },
      });

      expect(response.headers.get('link')).toMatch(
        new RegExp(`^<${github.serverUrl}/app/installations\\?per_page=1&page=2>; rel="next"`),
      );
    });

    it('shows a suspended installation with suspended_at and suspended_by', async () => {
      github.setInstallations([{ id: 5 }, { id: 6, updatedAt: '2026-11-01T00:00:00Z' }]);
      github.suspend(6);

      const body = (await (await listInstallations()).json()) as Record<string, unknown>[];

      expect(body.map(({ id, suspended_at }) => [id, suspended_at])).toEqual([
        [5, null],
        [6, '2026-11-01T00:00:00Z'],
      ]);
      expect(body[1].suspended_by).toMatchObject({ login: 'site-admin' });
    });

    it('lists none for an App installed nowhere', async () => {
      github.setInstallations([]);

      expect(await (await listInstallations()).json()).toEqual([]);
    });

    it('refuses an installation token: 401, as it takes the App JWT only', async () => {
      const token = await tokenOf(await mintToken());

      const response = await listInstallations('', token);

      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ message: 'A JSON web token could not be decoded' });
    });
  });

  describe('POST /app/installations/{id}/access_tokens with the App JWT', () => {
    it('mints a token of the permissions asked for, for an hour on its clock, and records what was asked', async () => {
      // Prepare
      const now = Date.parse('2026-12-01T12:00:00Z');
      github.setClock(() => new Date(now));
      const { token } = await githubAppJwt({
        id: github.app.id,
        privateKey: github.app.privateKeyPem,
        now: now / 1000,
      });

      // Act
      const response = await mintToken(1000001, { permissions: { metadata: 'read' } }, asApp(token));

      // Assess
      expect(response.status).toBe(201);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toEqual({
        token: expect.stringMatching(/^ghs_[A-Za-z0-9]{36}$/),
        expires_at: '2026-12-01T13:00:00Z',
        permissions: { metadata: 'read' },
        repository_selection: 'all',
      });
      expect(github.tokens).toEqual([
        {
          token: body.token,
          installationId: 1000001,
          permissions: { metadata: 'read' },
          expiresAt: '2026-12-01T13:00:00Z',
        },
      ]);
      expect(github.calls).toEqual([
        expect.objectContaining({ method: 'POST', permissions: { metadata: 'read' }, answeredWith: 201 }),
      ]);
      expect(JSON.stringify(github.calls)).not.toContain(body.token as string);
    });

    it('grants every permission of the App when none is asked for', async () => {
      const response = await mintToken();

      expect(await response.json()).toMatchObject({
        permissions: { metadata: 'read', actions: 'read', organization_self_hosted_runners: 'write' },
      });
      expect(github.calls[0]).not.toHaveProperty('permissions');
    });

    it.each([
      ['a permission the App does not have', { contents: 'read' }],
      ['write where the App has read', { metadata: 'write' }],
      ['a level that is none', { metadata: 'admin' }],
    ])('refuses %s: 422', async (_, permissions) => {
      const response = await mintToken(1000001, { permissions });

      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({
        message: 'The permissions requested are not granted to this installation.',
      });
      expect(github.tokens).toEqual([]);
    });

    it('refuses a suspended installation: 403', async () => {
      github.suspend(1000001);

      const response = await mintToken();

      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ message: 'This installation has been suspended' });
    });

    it('answers 404 for an installation the App does not have, and 401 without the App JWT', async () => {
      const unknown = await mintToken(42);
      const noJwt = await mintToken(1000001, undefined, {} as { Authorization: string });

      expect([unknown.status, noJwt.status]).toEqual([404, 401]);
    });
  });

  describe('GET /rate_limit with an installation token', () => {
    it('answers the token’s installation’s core limit, under resources and rate', async () => {
      // Prepare
      github.setInstallations([
        { id: 1 },
        { id: 2, rateLimit: { remaining: 12, limit: 15_000, resetAt: '2026-12-01T13:00:00Z' } },
      ]);
      const token = await tokenOf(await mintToken(2));

      // Act
      const response = await rateLimit(`Bearer ${token}`);

      // Assess
      expect(response.status).toBe(200);
      const core = {
        limit: 15_000,
        used: 14_988,
        remaining: 12,
        reset: Date.parse('2026-12-01T13:00:00Z') / 1000,
        resource: 'core',
      };
      expect(await response.json()).toEqual({
        resources: expect.objectContaining({ core, search: expect.any(Object), graphql: expect.any(Object) }),
        rate: core,
      });
    });

    it('takes the token as `token <value>` too, and resets an hour on by default', async () => {
      const token = await tokenOf(await mintToken());

      const body = (await (await rateLimit(`token ${token}`)).json()) as {
        rate: { remaining: number; reset: number };
      };

      expect(body.rate.remaining).toBe(5000);
      expect(body.rate.reset).toBeGreaterThan(nowS() + 3_500);
    });

    it.each([
      ['no token', () => undefined],
      ['the App JWT', () => `Bearer ${validJwt()}`],
      ['a token it never minted', () => 'Bearer ghs_000000000000000000000000000000000000'],
    ])('refuses %s: 401 Bad credentials', async (_, authorization) => {
      const response = await rateLimit(authorization());

      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ message: 'Bad credentials' });
    });

    it('refuses a token at its expires_at on its clock (setTokenLifetime, setClock)', async () => {
      // Prepare
      let now = Date.now();
      github.setClock(() => new Date(now));
      github.setTokenLifetime(60_000);
      const token = await tokenOf(await mintToken());

      // Act
      now += 59_000;
      const before = await rateLimit(`Bearer ${token}`);
      now += 1_000;
      const at = await rateLimit(`Bearer ${token}`);

      // Assess
      expect([before.status, at.status]).toEqual([200, 401]);
    });

    it('answers 404 "Rate limiting is not enabled." with rate limiting off, as GitHub Enterprise Server does', async () => {
      const token = await tokenOf(await mintToken());
      github.setRateLimiting(false);

      const response = await rateLimit(`Bearer ${token}`);

      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ message: 'Rate limiting is not enabled.' });
    });
  });

  describe('refusing', () => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

    it.each([
      [
        'signed by another key',
        () => signJwt({ iss: github.app.id, iat: nowS() - 60, exp: nowS() + 540 }, otherKey),
        'A JSON web token could not be decoded',
      ],
      [
        'issued by another App',
        () => signJwt({ iss: 1, iat: nowS() - 60, exp: nowS() + 540 }, github.app.privateKeyPem),
        'Integration not found',
      ],
      [
        'expired',
        () => signJwt({ iss: github.app.id, iat: nowS() - 660, exp: nowS() - 60 }, github.app.privateKeyPem),
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
      ],
      [
        'valid for more than 10 minutes (exp - iat > 600)',
        () => signJwt({ iss: github.app.id, iat: nowS() - 60, exp: nowS() + 541 }, github.app.privateKeyPem),
        "'Expiration time' claim ('exp') is too far in the future",
      ],
      [
        'issued more than 60 s in the future',
        () => signJwt({ iss: github.app.id, iat: nowS() + 61, exp: nowS() + 300 }, github.app.privateKeyPem),
        "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
      ],
      [
        'not RS256',
        () =>
          signJwt({ iss: github.app.id, iat: nowS() - 60, exp: nowS() + 540 }, github.app.privateKeyPem, {
            alg: 'none',
          }),
        'A JSON web token could not be decoded',
      ],
      ['not a JWT', () => 'not-a-jwt', 'A JSON web token could not be decoded'],
    ])('a JWT %s: 401', async (_, jwt, message) => {
      const response = await getApp(jwt());

      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ message, documentation_url: 'https://docs.github.com/rest' });
    });

    it('no Authorization: 401', async () => {
      const response = await getApp();

      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        message: 'A JSON web token could not be decoded',
        documentation_url: 'https://docs.github.com/rest',
      });
    });

    it('no User-Agent: 403, even with a valid JWT', async () => {
      const response = await getApp(validJwt(), {
        headers: { 'User-Agent': '', Authorization: `Bearer ${validJwt()}` },
      });

      expect(response.status).toBe(403);
      expect(await response.text()).toMatch(/make sure your request has a User-Agent header/);
    });

    it('an unknown path: 404 Not Found', async () => {
      const response = await getApp(validJwt(), {}, '/api/v3/repos/spot-runner/platform');

      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ message: 'Not Found' });
    });
  });

  describe('controls', () => {
    it.each([401, 403, 500] as const)(
      'answerWith(%i) answers it with a recognisable body, after recording the call',
      async (status) => {
        github.answerWith(status);

        const response = await getApp(validJwt());

        expect(response.status).toBe(status);
        expect(await response.text()).toContain('fake-github-error-body');
        expect(github.calls).toEqual([
          expect.objectContaining({ path: '/api/v3/app', answeredWith: status }),
        ]);
      },
    );

    it('answerWith takes the body, and answerWith(undefined) answers as GitHub again', async () => {
      github.answerWith(403, '{"message":"Forbidden"}');
      const forced = await getApp(validJwt());
      github.answerWith(undefined);
      const normal = await getApp(validJwt());

      expect([forced.status, await forced.text()]).toEqual([403, '{"message":"Forbidden"}']);
      expect(normal.status).toBe(200);
    });

    it('a slow answer the client aborts is never sent, and the fake becomes idle', async () => {
      // Prepare
      github.setLatency(10_000);
      const controller = new AbortController();

      // Act
      const call = getApp(validJwt(), { signal: controller.signal });
      while (github.calls.length === 0) await tick();
      controller.abort();

      // Assess: idle well within the test's timeout, so the fake stopped waiting to answer.
      await expect(call).rejects.toMatchObject({ name: 'AbortError' });
      await github.idle();
      expect(github.calls).toEqual([expect.objectContaining({ answeredWith: undefined })]);
    });

    it('answers after the latency', async () => {
      github.setLatency(100);
      const started = Date.now();

      const response = await getApp(validJwt());

      expect(response.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    });

    it('runs the onCall hook when a request arrives, before answering it', async () => {
      // Prepare
      const events: string[] = [];
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      github.onCall(async () => {
        events.push('hook');
        await released;
      });

      // Act
      const answered = getApp(validJwt()).then((response) => events.push(`answered ${response.status}`));
      while (events.length === 0) await tick();
      await tick();
      const beforeRelease = [...events];
      release();
      await answered;

      // Assess
      expect(beforeRelease).toEqual(['hook']);
      expect(events).toEqual(['hook', 'answered 200']);
    });

    it('close() refuses connections (ECONNREFUSED); reopen() serves on the same port again', async () => {
      const serverUrl = github.serverUrl;
      await getApp(validJwt());

      await github.close();
      const refused = await getApp(validJwt()).catch((error: Error) => error);
      await github.reopen();
      const reopened = await getApp(validJwt());

      // fetch names the refusal only in its cause (a non-enumerable property toMatchObject skips).
      expect((refused as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
      expect(github.serverUrl).toBe(serverUrl);
      expect(reopened.status).toBe(200);
    });

    it('records the method, path and headers of each call, never the token', async () => {
      const jwt = validJwt();

      await getApp(jwt);
      await getApp(undefined, {}, '/app');

      expect(github.calls).toEqual([
        {
          method: 'GET',
          path: '/api/v3/app',
          headers: {
            accept: 'application/vnd.github+json',
            apiVersion: '2022-11-28',
            userAgent: 'fake-github-spec',
            hasAuthorization: true,
          },
          answeredWith: 200,
        },
        expect.objectContaining({
          path: '/app',
          headers: expect.objectContaining({ hasAuthorization: false }),
        }),
      ]);
      expect(JSON.stringify(github.calls)).not.toMatch(new RegExp(`${jwt.split('.')[2]}|eyJ|Bearer`));
    });

    it('answerOn(endpoint) forces the answers of one endpoint, the others answer as GitHub', async () => {
      github.answerOn('rate-limit', 500);
      const token = await tokenOf(await mintToken());

      const forced = await rateLimit(`Bearer ${token}`);
      const app = await getApp(validJwt());
      github.answerOn('rate-limit', undefined);
      const again = await rateLimit(`Bearer ${token}`);

      expect([forced.status, app.status, again.status]).toEqual([500, 200, 200]);
      expect(await forced.text()).toContain('fake-github-error-body');
    });

    it('setLatency(ms, endpoint) delays one endpoint only', async () => {
      github.setLatency(150, 'installations');

      const started = Date.now();
      await getApp(validJwt());
      const app = Date.now() - started;
      await listInstallations();
      const installations = Date.now() - started - app;

      expect(app).toBeLessThan(100);
      expect(installations).toBeGreaterThanOrEqual(140);
    });

    it('onCall(hook, endpoint) runs for that endpoint’s requests only; callsTo names each endpoint’s calls', async () => {
      const hook = jest.fn();
      github.onCall(hook, 'access-tokens');

      await getApp(validJwt());
      await listInstallations();
      const token = await tokenOf(await mintToken());
      await rateLimit(`Bearer ${token}`);

      expect(hook).toHaveBeenCalledTimes(1);
      expect(github.callsTo('app').map((call) => call.path)).toEqual(['/api/v3/app']);
      expect(github.callsTo('installations').map((call) => call.path)).toEqual(['/api/v3/app/installations']);
      expect(github.callsTo('access-tokens').map((call) => call.method)).toEqual(['POST']);
      expect(github.callsTo('rate-limit').map((call) => call.path)).toEqual(['/api/v3/rate_limit']);
    });

    it('setRateLimit and suspend throw for an installation the App does not have', () => {
      expect(() => github.setRateLimit(42, { remaining: 0 })).toThrow('no installation 42');
      expect(() => github.suspend(42)).toThrow('no installation 42');
    });

    it('reset() installs the App on its default installation again and forgets the tokens', async () => {
      github.setInstallations([{ id: 5, suspended: true }]);
      github.setRateLimiting(false);
      github.setInstallations([{}, {}]);
      await mintToken();

      github.reset();

      expect(github.installations).toEqual([
        {
          id: 1000001,
          account: 'spot-runner',
          suspended: false,
          updatedAt: '2026-01-05T09:30:00Z',
          rateLimit: { limit: 5000, remaining: 5000 },
        },
      ]);
      expect(github.tokens).toEqual([]);
      const token = await tokenOf(await mintToken());
      expect((await rateLimit(`Bearer ${token}`)).status).toBe(200);
    });

    it('reset() forgets calls and controls, and keeps the App and its key', async () => {
      // Prepare
      const { app } = github;
      const hook = jest.fn();
      github.answerWith(500);
      github.onCall(hook);
      await getApp(validJwt());

      // Act
      github.reset();
      const response = await getApp(validJwt());

      // Assess
      expect(response.status).toBe(200);
      expect(hook).toHaveBeenCalledTimes(1);
      expect(github.app).toBe(app);
      expect(github.calls).toEqual([expect.objectContaining({ answeredWith: 200 })]);
    });
  });
});
