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
